package com.careledger.patient;

import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.DR_SUNIL;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_CARD;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUNITA_CARD;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Clinical entries are owned and append-only, and demographics are versioned: each attack is tried as the app's own
 * roles and refused. Demo fixtures: Dr. Sunil recorded Anil's and Sunita's entries at Sanjeevani; Anil is registered
 * at Arogya too, Sunita only at Sanjeevani, Rahul only at Arogya.
 */
class OwnedClinicalDataTest {

    private static final String PERMISSION_DENIED = "42501";

    @Test
    void theAppRolesCanNeitherChangeNorDeleteNorWriteNorReadTheEntriesDirectly() throws SQLException {
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            for (String attack : List.of(
                    "update clinical_entries set code = 'Amoxicillin' where card_id = '" + ANIL_CARD + "'",
                    "delete from clinical_entries where card_id = '" + ANIL_CARD + "'",
                    "truncate clinical_entries",
                    "insert into clinical_entries (card_id, kind, code, facility_id, patient_id, recorded_by) values ('"
                            + ANIL_CARD + "', 'blood_group', 'O-', '" + SANJEEVANI + "', '" + ANIL_AT_SANJEEVANI + "', '"
                            + SANJEEVANI_DOCTOR + "')",
                    "select * from clinical_entries")) {
                assertThat(s.sqlFailure(attack).getSQLState()).as(attack).isEqualTo(PERMISSION_DENIED);
            }
            s.as(PATIENT_ANIL, null);
            assertThat(s.sqlFailure("delete from clinical_entries").getSQLState()).isEqualTo(PERMISSION_DENIED);
        }
    }

    @Test
    void neitherTheDefinerRoleNorTheOwnerCanChangeOrDeleteAnEntry() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            String before = entriesOf(s, ANIL_CARD);
            for (String attack : List.of("update clinical_entries set code = 'Amoxicillin' where code = 'Penicillin'",
                    "delete from clinical_entries where code = 'Penicillin'", "truncate clinical_entries")) {
                // the definer role holds no privilege to do it; the owner, which does, meets the trigger (below)
                assertThatThrownBy(() -> s.asDefiner(attack)).as(attack).hasMessageContaining("permission denied");
            }
            assertThat(entriesOf(s, ANIL_CARD)).isEqualTo(before);
            assertThat(s.strings("""
                    select t.tgname from pg_trigger t
                    where t.tgrelid in ('clinical_entries'::regclass, 'patient_versions'::regclass) and t.tgenabled = 'O'
                      and t.tgfoid = 'app.refuse_change'::regproc order by 1""")).containsExactly(
                    "clinical_entries_are_append_only", "clinical_entries_are_never_truncated",
                    "patient_versions_are_append_only", "patient_versions_are_never_truncated");
        }
    }

    @Test
    void theAuthorAndFacilityAreTheVerifiedContextsAndCannotBeForged() throws SQLException {
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            UUID entry = UUID.fromString(s.string(
                    "select app.add_clinical_entry(?, 'allergy', 'Latex', null, 'high', 'anaphylaxis')::text", ANIL_AT_SANJEEVANI));
            assertThat(s.strings("""
                    select e.recorded_by || ' ' || e.facility_id || ' ' || e.recorded_here || ' ' || e.author_name
                    from app.read_clinical_entries(?) e where e.entry_id = ?""", ANIL_CARD, entry))
                    .containsExactly(SANJEEVANI_DOCTOR + " " + SANJEEVANI + " true Dr. Sunil Bhosale");

            // no parameter names an author or a facility: the functions take none
            assertThat(s.strings("""
                    select p.proname from pg_proc p
                    where p.proname in ('add_clinical_entry', 'correct_clinical_entry', 'assert_none_known')
                      and exists (select 1 from unnest(p.proargnames) a where a ~ '(author|recorded|facility|staff|user)')"""))
                    .isEmpty();

            // a forged tenant or user breaks the signature: the call is refused and writes nothing
            s.forge("app.current_tenant", AROGYA.toString());
            assertThat(s.sqlFailure("select app.add_clinical_entry(?, 'allergy', 'Latex', null)", ANIL_AT_SANJEEVANI)
                    .getSQLState()).isEqualTo(PERMISSION_DENIED);
            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            s.forge("app.user_id", SANJEEVANI_DOCTOR.toString());
            assertThat(s.sqlFailure("select app.add_clinical_entry(?, 'allergy', 'Latex', null)", ANIL_AT_SANJEEVANI)
                    .getSQLState()).isEqualTo(PERMISSION_DENIED);
            s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
            assertThat(s.strings("select code from app.read_clinical_entries(?) where kind = 'allergy' and code = 'Latex'",
                    ANIL_CARD)).containsExactly("Latex");
        }
    }

    @Test
    void theStaffRecordOfTheAuthorIsStamped() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            UUID entry = UUID.fromString(s.string("select app.add_clinical_entry(?, 'condition', 'J45', 'Asthma')::text",
                    SUNITA_AT_SANJEEVANI));
            assertThat(s.definerTable("""
                    select recorded_by_staff::text, carried_over::text from clinical_entries where id = ?""", entry))
                    .containsExactly(List.of(DR_SUNIL.toString(), "false"));
        }
    }

    @Test
    void aCorrectionIsANewEntryThatSupersedesAndTheOldOneIsShownAsSuperseded() throws SQLException {
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            UUID peanuts = UUID.fromString(s.string(
                    "select entry_id::text from app.read_clinical_entries(?) where code = 'Peanuts'", ANIL_CARD));
            UUID corrected = UUID.fromString(s.string(
                    "select app.correct_clinical_entry(?, 'Peanuts', null, 'high', 'throat swelling')::text", peanuts));

            assertThat(s.strings("select criticality::text from app.read_clinical_entries(?) where code = 'Peanuts'", ANIL_CARD))
                    .as("current entries only").containsExactly("high");
            assertThat(s.table("""
                    select entry_id::text, coalesce(superseded_by::text, 'current'), coalesce(supersedes::text, '-')
                    from app.read_clinical_entries(?, true) where code = 'Peanuts' order by recorded_at""", ANIL_CARD))
                    .containsExactly(List.of(peanuts.toString(), corrected.toString(), "-"),
                            List.of(corrected.toString(), "current", peanuts.toString()));

            assertThat(s.failure("select app.correct_clinical_entry(?, 'Peanuts', null, 'low', null)", peanuts))
                    .as("a superseded entry is not corrected again").hasMessageContaining("corrected already");
            // withdrawn: gone from the card's current record, kept in its history
            s.string("select app.correct_clinical_entry(?, null, null, p_status => 'entered_in_error')::text", corrected);
            assertThat(s.string("select allergies::text from app.read_health_card(?)", ANIL_CARD)).doesNotContain("Peanuts");
            assertThat(s.countOf("select 1 from app.read_clinical_entries(?, true) where code = 'Peanuts'", ANIL_CARD))
                    .isEqualTo(2);
            // a correction stays on its card and kind, whatever the caller tries
            assertThat(s.failure("select app.correct_clinical_entry(?, 'Z99', null)", UUID.randomUUID()))
                    .hasMessageContaining("no clinical entry");
        }
    }

    @Test
    void noneKnownIsAnExplicitAssertionThatAKnownEntrySupersedes() throws SQLException {
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            assertThat(s.failure("select app.assert_none_known(?, 'allergy')", SUNITA_AT_SANJEEVANI))
                    .hasMessageContaining("active allergy entries");
            UUID sulfonamides = UUID.fromString(s.string(
                    "select entry_id::text from app.read_clinical_entries(?) where code = 'Sulfonamides'", SUNITA_CARD));
            s.string("select app.correct_clinical_entry(?, 'Sulfonamides', null, p_status => 'entered_in_error')::text",
                    sulfonamides);
            UUID none = UUID.fromString(s.string("select app.assert_none_known(?, 'allergy')::text", SUNITA_AT_SANJEEVANI));
            assertThat(s.strings("""
                    select author_name from app.read_clinical_entries(?) where kind = 'allergy' and none_known""", SUNITA_CARD))
                    .containsExactly("Dr. Sunil Bhosale");

            UUID latex = UUID.fromString(s.string("select app.add_clinical_entry(?, 'allergy', 'Latex', null)::text",
                    SUNITA_AT_SANJEEVANI));
            assertThat(s.strings("select superseded_by::text from app.read_clinical_entries(?, true) where entry_id = ?",
                    SUNITA_CARD, none)).containsExactly(latex.toString());
            assertThat(s.countOf("select 1 from app.read_clinical_entries(?) where none_known", SUNITA_CARD)).isZero();
            assertThat(s.failure("select app.add_clinical_entry(?, 'blood_group', 'A+', null)", SUNITA_AT_SANJEEVANI))
                    .as("one blood group per card").hasMessageContaining("recorded already");
        }
    }

    @Test
    void anotherFacilityReadsNothingOfACardNotRegisteredThereAndNotWhereTheEntriesWereRecorded() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID arogyaDoctor = clerk(s, AROGYA, "clinical", "doctor");
            s.as(arogyaDoctor, AROGYA);
            // Sunita is not registered at Arogya: nothing, and no read recorded
            assertThat(s.countOf("select 1 from app.read_clinical_entries(?)", SUNITA_CARD)).isZero();
            assertThat(s.string("select count(*)::text from app.read_health_card(?)", SUNITA_CARD)).isEqualTo("0");
            assertThat(s.failure("select * from clinical_entries where card_id = ?", SUNITA_CARD))
                    .hasMessageContaining("permission denied");
            // Anil is registered at Arogya too: his record is shared, but not where or by whom it was written
            assertThat(s.strings("""
                    select distinct recorded_here || ' ' || coalesce(facility_id::text, 'hidden') || ' '
                           || coalesce(author_name, 'hidden')
                    from app.read_clinical_entries(?) where kind = 'allergy'""", ANIL_CARD))
                    .containsExactly("false hidden hidden");
            // the holder sees everything of their own
            s.as(PATIENT_ANIL, null);
            assertThat(s.strings("select distinct facility_id::text from app.read_clinical_entries(?) where kind = 'allergy'",
                    ANIL_CARD)).containsExactly(SANJEEVANI.toString());
            // and Sanjeevani's doctor reads nothing of Rahul, who is registered only at Arogya
            s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
            assertThat(s.countOf("select 1 from app.read_clinical_entries(?)", RAHUL_CARD)).isZero();
        }
    }

    @Test
    void everyReadOfEntriesIsRecordedInTheSameTransaction() throws SQLException {
        try (AppSession s = AppSession.open().as(SANJEEVANI_DOCTOR, SANJEEVANI)) {
            assertThat(s.countOf("select 1 from app.read_clinical_entries(?, false, 'allergy check')", ANIL_CARD)).isPositive();
            s.as(SUPER_ADMIN, null);
            assertThat(s.table("""
                    select actor_user_id::text, new_values ->> 'via', new_values ->> 'purpose' from audit_log
                    where table_name = 'clinical_entries' and operation = 'READ' and row_key ->> 'card_id' = ?""",
                    ANIL_CARD.toString())).containsExactly(List.of(SANJEEVANI_DOCTOR.toString(), "app.read_clinical_entries",
                    "allergy check"));
        }
    }

    @Test
    void demographicsChangeOnlyWithAVersionThatNamesWhoAndWhere() throws SQLException {
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            String before = s.string("select coalesce(phone, 'none') from patients where id = ?", SUNITA_AT_SANJEEVANI);
            assertThat(s.update("update patients set phone = '+91 98220 00000', full_name = 'Sunita R. Pawar' where id = ?",
                    SUNITA_AT_SANJEEVANI)).isOne();
            assertThat(s.update("update patients set registration_number = registration_number where id = ?",
                    SUNITA_AT_SANJEEVANI)).as("not demographics: no version").isOne();
            assertThat(s.table("""
                    select version::text, full_name, coalesce(phone, 'none'), coalesce(changed_by::text, 'loader'), coalesce(changed_in::text, '-')
                    from patient_versions where patient_id = ? order by version""", SUNITA_AT_SANJEEVANI))
                    .containsExactly(List.of("1", "Sunita Pawar", before, "loader", "-"),
                            List.of("2", "Sunita R. Pawar", "+91 98220 00000", SANJEEVANI_BILLING.toString(), SANJEEVANI.toString()));
            assertThat(s.string("select demographics_version::text from patients where id = ?", SUNITA_AT_SANJEEVANI))
                    .isEqualTo("2");

            // the history cannot be erased, rewritten, forged or skipped
            for (String attack : List.of(
                    "update patient_versions set full_name = 'X' where patient_id = '" + SUNITA_AT_SANJEEVANI + "'",
                    "delete from patient_versions where patient_id = '" + SUNITA_AT_SANJEEVANI + "'",
                    "truncate patient_versions",
                    "insert into patient_versions (facility_id, patient_id, version, full_name, sex) values ('" + SANJEEVANI
                            + "', '" + SUNITA_AT_SANJEEVANI + "', 3, 'X', 'female')",
                    "update patients set demographics_version = 1 where id = '" + SUNITA_AT_SANJEEVANI + "'")) {
                assertThat(s.sqlFailure(attack).getSQLState()).as(attack).isEqualTo(PERMISSION_DENIED);
            }
            assertThat(s.countOf("select 1 from patient_versions where patient_id = ?", SUNITA_AT_SANJEEVANI)).isEqualTo(2);
            // and another facility sees none of it
            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            s.forge("app.current_tenant", AROGYA.toString());
            assertThat(s.countOf("select 1 from patient_versions")).isZero();
        }
    }

    @Test
    void evenTheDefinerRoleCannotEraseADemographicsVersion() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            assertThatThrownBy(() -> s.asDefiner("delete from patient_versions")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.asDefiner("update patient_versions set full_name = 'X'"))
                    .hasMessageContaining("permission denied");
        }
    }

    private static String entriesOf(AppSession s, UUID card) throws SQLException {
        return String.join("; ", s.strings("select entry_id || ' ' || coalesce(code, '') from app.read_clinical_entries(?, true)"
                + " order by entry_id", card));
    }
}
