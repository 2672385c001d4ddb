package com.careledger.audit;

import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_CARD;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_CARD;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.careledger.patient.domain.HealthCardRepository;
import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads of health information are recorded where they happen: every definer function that returns clinical data,
 * insurance or a national id writes a READ row in the same transaction (who, which card or patient, which fields,
 * why when given), and no role the app runs as writes a read row of its own choosing. Every test runs as the app's
 * roles and rolls back.
 */
class PhiReadAuditTest {

    /** Anil's appointment today at Sanjeevani (demo data). */
    private static final UUID ANIL_TODAY_AT_SANJEEVANI = UUID.fromString("a9900000-0000-4000-8000-000000000101");
    private static final String ENCRYPTION_KEY = "test-encryption-key-0123456789abcdefgh";
    private static final String LOOKUP_KEY = "test-lookup-key-0123456789abcdefghijkl";

    /** Each READ row about a card: facility, actor, role, table, function, fields and reason, as one line. */
    private static final String READS_OF_CARD = """
            select coalesce(facility_id::text, 'no facility') || ' ' || actor_user_id || ' ' || actor_role || ' '
                   || table_name || ' ' || (new_values ->> 'via') || ' ' || (new_values -> 'fields')::text
                   || coalesce(' ' || (new_values ->> 'purpose'), '')
            from audit_log where operation = 'READ' and row_key @> jsonb_build_object('card_id', ?::uuid)
            order by id""";

    private AppSession s;

    @BeforeEach
    void open() throws SQLException {
        s = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        s.close();
    }

    // Why: "Health-data reads are never recorded (nothing calls app.record_phi_read)".

    @Test
    void aDoctorWhoReadsACardsClinicalRecordLeavesOneReadRowSayingWhoWhereWhichCardWhichFieldsAndWhy() throws SQLException {
        s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(s.strings("select allergies -> 0 ->> 'substance' from app.read_health_card(?, 'allergy check before prescribing')",
                ANIL_CARD)).containsExactly("Penicillin");
        s.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(s.strings(READS_OF_CARD, ANIL_CARD)).containsExactly(SANJEEVANI + " " + SANJEEVANI_DOCTOR
                + " staff health_cards app.read_health_card"
                + " [\"insurance\", \"blood_group\", \"medical_history\", \"allergies\", \"chronic_conditions\"]"
                + " allergy check before prescribing");
    }

    @Test
    void aBillingClerkReadsTheInsuranceButNotTheClinicalRecordAndTheReadRowNamesOnlyTheInsurance() throws SQLException {
        s.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(s.table("select insurance -> 0 ->> 'insurer', clinical_shown::text, allergies::text from app.read_health_card(?)",
                ANIL_CARD)).containsExactly(Arrays.asList("Star Health and Allied Insurance", "false", null));
        s.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(s.strings(READS_OF_CARD, ANIL_CARD)).containsExactly(SANJEEVANI + " " + SANJEEVANI_BILLING
                + " staff health_cards app.read_health_card [\"insurance\"]");
    }

    @Test
    void aCardTheReaderMayNotSeeAnswersNothingAndRecordsNothing() throws SQLException {
        // Rahul is registered at Arogya only
        s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(s.countOf("select 1 from app.read_health_card(?)", RAHUL_CARD)).isZero();
        s.as(null, null);
        assertThat(s.countOf("select 1 from app.read_health_card(?)", ANIL_CARD)).isZero();
        s.as(SUPER_ADMIN, null);
        assertThat(s.strings(READS_OF_CARD, RAHUL_CARD)).isEmpty();
        assertThat(s.strings(READS_OF_CARD, ANIL_CARD)).isEmpty();
    }

    @Test
    void aSearchThatShowsClinicalFieldsRecordsTheReadOfEveryCardItShowedAndOneThatShowsNoneRecordsNothing() throws SQLException {
        s.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(s.strings("select coalesce(allergies::text, 'none') from app.search_patients('gaikwad')")).containsOnly("none");
        s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        List<String> cards = s.strings("select card_id::text from app.search_patients('anil gaikwad') where card_id is not null");
        assertThat(cards).contains(ANIL_CARD.toString());
        s.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(s.strings("""
                select (row_key ->> 'card_id') from audit_log
                where operation = 'READ' and new_values ->> 'via' = 'app.search_patients' and actor_user_id = ?""",
                SANJEEVANI_DOCTOR)).containsExactlyInAnyOrderElementsOf(cards);
        assertThat(s.strings("""
                select distinct (new_values -> 'fields')::text || ' ' || (row_key ->> 'patient_id') from audit_log
                where operation = 'READ' and row_key @> jsonb_build_object('card_id', ?::uuid)""", ANIL_CARD))
                .containsExactly("[\"blood_group\", \"allergies\", \"chronic_conditions\"] " + ANIL_AT_SANJEEVANI);
        assertThat(s.count("select count(*) from audit_log where operation = 'READ' and actor_user_id = ?", SANJEEVANI_BILLING))
                .isZero();
    }

    @Test
    void readingAnAppointmentsNotesIsRecordedWithItsPatient() throws SQLException {
        s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        s.execute("insert into appointment_notes (facility_id, appointment_id, body) values (?, ?, 'Fasting sugar 162 mg/dL')",
                SANJEEVANI, ANIL_TODAY_AT_SANJEEVANI);
        assertThat(s.strings("select body from app.read_appointment_notes(?, 'review before the follow-up')",
                ANIL_TODAY_AT_SANJEEVANI)).containsExactly("Fasting sugar 162 mg/dL");
        s.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(s.countOf("select 1 from app.read_appointment_notes(?)", ANIL_TODAY_AT_SANJEEVANI)).as("no clinical.read").isZero();
        s.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(s.strings("""
                select actor_user_id || ' ' || table_name || ' ' || (row_key ->> 'patient_id') || ' '
                       || (new_values -> 'fields')::text || ' ' || (new_values ->> 'purpose')
                from audit_log where operation = 'READ' and row_key @> jsonb_build_object('appointment_id', ?::uuid)""",
                ANIL_TODAY_AT_SANJEEVANI)).containsExactly(SANJEEVANI_DOCTOR + " appointment_notes " + ANIL_AT_SANJEEVANI
                + " [\"body\"] review before the follow-up");
    }

    @Test
    void revealingANationalIdIsRecorded() throws SQLException {
        s.as(SANJEEVANI_BILLING, SANJEEVANI);
        s.execute("select app.set_national_id(?, 'aadhaar', '2341 2341 2346', ?, ?)", SUNITA_CARD, LOOKUP_KEY, ENCRYPTION_KEY);
        assertThat(s.string("select app.reveal_national_id(?, 'aadhaar', ?)", SUNITA_CARD, ENCRYPTION_KEY)).isEqualTo("234123412346");
        s.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(s.strings(READS_OF_CARD, SUNITA_CARD)).containsExactly(SANJEEVANI + " " + SANJEEVANI_BILLING
                + " staff national_ids app.reveal_national_id [\"number\"]");
    }

    // Why: "record_phi_read lets any signed-in user, patients included, write rows of any size into any facility's
    // audit log".

    @Test
    void noRoleTheAppRunsAsCanCallRecordPhiReadWithAFacilityOrTextOfItsChoosing() throws SQLException {
        String attack = "select app.record_phi_read('app.read_health_card', 'health_cards', '[{\"card_id\": \"x\"}]'::jsonb,"
                + " array['insurance'], repeat('x', 100000))";
        for (UUID[] who : new UUID[][] {{SANJEEVANI_ADMIN, SANJEEVANI}, {SANJEEVANI_DOCTOR, SANJEEVANI}, {PATIENT_ANIL, null},
                {SUPER_ADMIN, null}}) {
            s.as(who[0], who[1]);
            assertThat(s.failure(attack)).as("as %s", who[0]).hasMessageContaining("permission denied for function record_phi_read");
            // the old signature, with a facility of the caller's choosing, is gone
            assertThat(s.failure("select app.record_phi_read('patients', '{}'::jsonb, ?, 'x')", AROGYA))
                    .hasMessageContaining("does not exist");
        }
        s.as(AROGYA_ADMIN, AROGYA);
        assertThat(s.count("select count(*) from audit_log where operation = 'READ'")).isZero();
    }

    @Test
    void aReasonIsPlainTextOfAtMost200CharactersAndARefusedReadWritesNothing() throws SQLException {
        s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(s.failure("select * from app.read_health_card(?, repeat('x', 201))", ANIL_CARD))
                .hasMessageContaining("plain text of at most 200 characters");
        assertThat(s.sqlFailure("select * from app.read_health_card(?, 'routine' || chr(8238) || 'check')", ANIL_CARD).getSQLState())
                .isEqualTo("23514");
        assertThat(s.failure("select * from app.read_appointment_notes(?, ' ')", ANIL_TODAY_AT_SANJEEVANI))
                .hasMessageContaining("plain text of at most 200 characters");
        assertThat(s.countOf("select 1 from app.read_health_card(?, ?)", ANIL_CARD, "x".repeat(200))).isOne();
        s.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(s.strings("select new_values ->> 'purpose' from audit_log where operation = 'READ'"))
                .containsExactly("x".repeat(200));
    }

    @Test
    void thePatientRoleWritesNoAuditRowOfItsOwnChoosing() throws SQLException {
        s.as(PATIENT_ANIL, null);
        assertThat(s.currentRole()).isEqualTo(AppSession.PATIENT_ROLE);
        // their own card, clinical record included; the row that records it is the function's, not theirs
        assertThat(s.strings("select blood_group from app.read_health_card(?)", ANIL_CARD)).containsExactly("B+");
        assertThat(s.failure("select * from app.read_health_card(?, 'anything I like')", ANIL_CARD))
                .hasMessageContaining("given by staff, not by the patient");
        assertThat(s.failure("insert into audit_log (actor_role, table_name, operation, row_key) values ('x', 'x', 'READ', '{}')"))
                .hasMessageContaining("permission denied");
        assertThat(s.failure("select app.record_phi_read('x', 'x', '[{}]'::jsonb, array['x'], null)"))
                .hasMessageContaining("permission denied");
        s.as(SUPER_ADMIN, null);
        assertThat(s.strings(READS_OF_CARD, ANIL_CARD)).containsExactly("no facility " + PATIENT_ANIL
                + " patient health_cards app.read_health_card"
                + " [\"insurance\", \"blood_group\", \"medical_history\", \"allergies\", \"chronic_conditions\"]");
    }

    // Guards for the functions and screens to come.

    @Test
    void everyDefinerFunctionTheAppMayCallThatReadsHealthInformationRecordsTheRead() throws SQLException {
        List<String> unrecorded = catalog("""
                select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname in ('app', 'public') and p.prosecdef
                  and p.prosrc ~ '(clinical_entries|clinical_list|clinical_blood_group|appointment_notes|national_ids|insurance|medical_history|allergies|chronic_conditions)'
                  and p.prosrc !~ 'app\\.record_phi_read\\('
                  and (has_function_privilege('careledger_app', p.oid, 'execute')
                       or has_function_privilege('careledger_patient', p.oid, 'execute'))""");
        assertThat(unrecorded).as("reviewed: they write, find records by a number, or count (5 or more)")
                .containsExactlyInAnyOrder(
                        "app.set_national_id(uuid,national_id_kind,text,text,text)",
                        "app.add_clinical_entry(uuid,clinical_entry_kind,text,text,clinical_criticality,text,clinical_entry_status,jsonb)",
                        "app.correct_clinical_entry(uuid,text,text,clinical_criticality,text,clinical_entry_status,jsonb)",
                        "app.assert_none_known(uuid,clinical_entry_kind)",
                        "app.find_patients_by_national_id(national_id_kind,text,text)",
                        "app.report_insurance_mix(text[])");
    }

    /** The first column of every row, read from the catalog as a superuser. */
    private static List<String> catalog(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * The compiled classes of the portal (not the generated jOOQ ones) that name a clinical table's class, or the
     * health card's table class together with its INSURANCE field: found in the class files' constant pools.
     */
    private static List<String> directReadersOfClinicalTables() throws Exception {
        Path root = Path.of(HealthCardRepository.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path generated = root.resolve("com/careledger/db");
        List<String> readers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("com/careledger"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.startsWith(generated)).toList()) {
                String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                if (pool.contains("com/careledger/db/public_/tables/HealthCardClinical")
                        || pool.contains("com/careledger/db/public_/tables/AppointmentNotes")
                        || pool.contains("com/careledger/db/public_/tables/NationalIds")
                        || (pool.contains("com/careledger/db/public_/tables/HealthCards") && pool.contains("INSURANCE"))) {
                    readers.add(root.relativize(f).toString());
                }
            }
        }
        return readers;
    }

    @Test
    void thePortalsCodeReadsClinicalDataOnlyThroughTheFunctionsThatRecordIt() throws Exception {
        assertThat(directReadersOfClinicalTables())
                .as("clinical data, national ids and insurance are read through app.read_health_card and the other functions that record the read")
                .isEmpty();
        // the scan sees what it looks for: the repository names the class of the function it reads cards with
        Path repository = Path.of(HealthCardRepository.class.getResource("HealthCardRepository.class").toURI());
        assertThat(new String(Files.readAllBytes(repository), StandardCharsets.ISO_8859_1))
                .contains("com/careledger/db/app/tables/ReadHealthCard");
    }
}
