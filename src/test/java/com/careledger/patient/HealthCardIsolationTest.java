package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_AT_AROGYA;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.RAHUL_CARD;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.SUNITA_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SUNITA_CARD;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who sees which health card and which clinical record, as the app's role under forced row-level
 * security. Demo fixtures: Anil's card is registered at Sanjeevani and Arogya, Sunita's at Sanjeevani,
 * Rahul's at Arogya.
 */
class HealthCardIsolationTest {

    private static final List<String> PERSON_TABLES = List.of("health_cards", "national_ids", "patients");

    private AppSession tx;

    @BeforeEach
    void open() throws SQLException {
        tx = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        tx.close();
    }

    @Test
    void withoutContextNothingIsVisible() throws SQLException {
        for (String table : PERSON_TABLES) {
            assertThat(tx.countOf("select 1 from " + table)).as(table).isZero();
        }
        tx.as(null, null);
        assertThat(tx.countOf("select 1 from health_cards")).isZero();
        assertThat(tx.countOf("select 1 from app.read_clinical_entries(?)", ANIL_CARD)).isZero();
    }

    @Test
    void aForgedTenantSeesNoCard() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        tx.strings("select set_config('app.current_tenant', ?, true)", AROGYA.toString());
        assertThat(tx.countOf("select 1 from health_cards")).isZero();
        assertThat(tx.countOf("select 1 from patients")).isZero();
    }

    @Test
    void aFacilityAdminSeesTheCardsRegisteredThereAndNothingOfTheOtherFacility() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(cards()).containsExactlyInAnyOrder(ANIL_CARD.toString(), SUNITA_CARD.toString());
        assertThat(tx.countOf("select 1 from patients where facility_id = ?", AROGYA)).isZero();
        assertThat(tx.countOf("select 1 from health_cards where id = ?", RAHUL_CARD)).isZero();

        tx.as(AROGYA_ADMIN, AROGYA);
        assertThat(cards()).containsExactlyInAnyOrder(ANIL_CARD.toString(), RAHUL_CARD.toString());
        assertThat(tx.countOf("select 1 from patients where facility_id = ?", SANJEEVANI)).isZero();
    }

    @Test
    void adminsReadNoClinicalRecordAtAll() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(kindsRead(ANIL_CARD)).as("insurance only").containsOnly("insurance");
        tx.as(SUPER_ADMIN, null);
        assertThat(cards()).contains(ANIL_CARD.toString(), SUNITA_CARD.toString(), RAHUL_CARD.toString());
        assertThat(kindsRead(ANIL_CARD)).containsOnly("insurance");
        assertThat(tx.string("select clinical_shown::text from app.read_health_card(?)", ANIL_CARD)).isEqualTo("false");
        tx.as(SUPER_ADMIN, SANJEEVANI);
        assertThat(kindsRead(ANIL_CARD)).containsOnly("insurance");
    }

    @Test
    void staffWithoutClinicalReadSeeTheCardAndItsInsuranceButNoClinicalRecord() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(cards()).containsExactlyInAnyOrder(ANIL_CARD.toString(), SUNITA_CARD.toString());
        assertThat(tx.strings("select insurance->0->>'insurer' from app.read_health_card(?)", ANIL_CARD))
                .containsExactly("Star Health and Allied Insurance");
        assertThat(kindsRead(ANIL_CARD)).containsOnly("insurance");
        assertThat(tx.strings("select coalesce(allergies::text, 'none') from app.read_health_card(?)", ANIL_CARD))
                .containsExactly("none");
    }

    @Test
    void aDoctorReadsTheClinicalRecordsOfPersonsRegisteredAtTheirFacilityOnly() throws SQLException {
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(tx.strings("select code from app.read_clinical_entries(?) where kind = 'allergy'", ANIL_CARD))
                .containsExactlyInAnyOrder("Penicillin", "Peanuts");
        assertThat(tx.strings("select code from app.read_clinical_entries(?) where kind = 'allergy'", SUNITA_CARD))
                .containsExactly("Sulfonamides");
        assertThat(tx.countOf("select 1 from app.read_clinical_entries(?)", RAHUL_CARD)).as("not registered here").isZero();
    }

    @Test
    void aDoctorRecordsEntriesAsThemselvesForPatientsOfTheirFacilityOnly() throws SQLException {
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        String entry = tx.string("select app.add_clinical_entry(?, 'allergy', 'Ibuprofen', null, 'low', 'wheeze')::text",
                ANIL_AT_SANJEEVANI);
        assertThat(tx.strings("select recorded_by::text || ' ' || facility_id from app.read_clinical_entries(?) where entry_id = ?::uuid",
                ANIL_CARD, entry)).containsExactly(SANJEEVANI_DOCTOR + " " + SANJEEVANI);
        assertThat(tx.failure("select app.add_clinical_entry(?, 'condition', 'J45', 'Asthma')", ANIL_AT_AROGYA))
                .as("Anil's record at Arogya is not this facility's").hasMessageContaining("no patient");
        // the billing clerk records nothing clinical
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(tx.failure("select app.add_clinical_entry(?, 'blood_group', 'O-', null)", ANIL_AT_SANJEEVANI))
                .hasMessageContaining("needs clinical.write");
    }

    @Test
    void insuranceIsRecordedByStaffWhoManagePatientsWhereTheCardIsRegistered() throws SQLException {
        tx.as(SANJEEVANI_BILLING, SANJEEVANI);
        tx.string("select app.add_clinical_entry(?, 'insurance', 'Niva Bupa', null)::text", SUNITA_AT_SANJEEVANI);
        assertThat(tx.strings("select code from app.read_clinical_entries(?) where kind = 'insurance'", SUNITA_CARD))
                .containsExactlyInAnyOrder("HDFC ERGO General Insurance", "Niva Bupa");
        tx.as(AROGYA_ADMIN, AROGYA);
        assertThat(tx.failure("select app.add_clinical_entry(?, 'insurance', 'Niva Bupa', null)", SUNITA_AT_SANJEEVANI))
                .hasMessageContaining("no patient");
        tx.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(tx.failure("select app.add_clinical_entry(?, 'insurance', 'Niva Bupa', null)", ANIL_AT_SANJEEVANI))
                .hasMessageContaining("needs patients.manage");
        assertThatThrownBy(() -> tx.execute("update health_cards set card_number = '8026120000001059'"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void aPatientSeesTheirOwnCardRecordsAndClinicalRecordOnly() throws SQLException {
        tx.as(PATIENT_ANIL, null);
        assertThat(cards()).containsExactly(ANIL_CARD.toString());
        assertThat(tx.strings("select code from app.read_clinical_entries(?) where kind = 'condition'", ANIL_CARD))
                .containsExactlyInAnyOrder("E11", "I10");
        assertThat(tx.countOf("select 1 from app.read_clinical_entries(?)", SUNITA_CARD)).isZero();
        assertThat(tx.strings("select id::text from patients"))
                .containsExactlyInAnyOrder(ANIL_AT_SANJEEVANI.toString(), ANIL_AT_AROGYA.toString());
        assertThat(tx.strings("select distinct card_id::text from patients")).containsExactly(ANIL_CARD.toString());
        assertThat(tx.failure("select app.add_clinical_entry(?, 'blood_group', 'O-', null)", ANIL_AT_SANJEEVANI))
                .as("reads, does not write").hasMessageContaining("needs clinical.write");
    }

    @Test
    void theAppRoleCreatesNoCardOrClinicalRowDirectly() throws SQLException {
        tx.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThatThrownBy(() -> tx.execute("insert into health_cards (card_number, holder_name) values (app.new_card_number(), 'X')"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> tx.execute("insert into clinical_entries (card_id, kind, code) values (?, 'blood_group', 'O-')",
                ANIL_CARD)).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> tx.execute("delete from health_cards")).hasMessageContaining("permission denied");
    }

    @Test
    void thePlatformWideTablesAreUnderForcedRowLevelSecurityAndTheAppHasNoPinPrivilege() throws SQLException {
        List<String> tables = List.of("health_cards", "health_card_pins", "national_ids");
        assertThat(catalog("""
                select c.relname from pg_class c
                where c.relnamespace = 'public'::regnamespace and c.relrowsecurity and c.relforcerowsecurity
                  and c.relname = any (array['health_cards', 'health_card_pins', 'national_ids'])
                  and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'facility_id')"""))
                .as("person data, not tenant data: no facility_id, RLS forced").containsExactlyInAnyOrderElementsOf(tables);
        assertThat(catalog("""
                select privilege_type from information_schema.role_table_grants
                where grantee = 'careledger_app' and table_name = 'health_card_pins'
                union all
                select privilege_type from information_schema.column_privileges
                where grantee = 'careledger_app' and table_name = 'health_card_pins'""")).isEmpty();
        assertThat(catalog("select polname from pg_policy where polrelid = 'health_card_pins'::regclass")).isEmpty();
    }

    /** The kinds of entries of a card the signed-in user reads. */
    private List<String> kindsRead(java.util.UUID card) throws SQLException {
        return tx.strings("select distinct kind::text from app.read_clinical_entries(?)", card);
    }

    private List<String> cards() throws SQLException {
        return tx.strings("select id::text from health_cards");
    }

    private static List<String> catalog(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
