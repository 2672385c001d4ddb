package com.careledger.appointment;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_CONSULTATION;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.PRECISION_LAB;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A facility's services and prices (the services table): hash-partitioned, isolated per facility, kept by its admins.
 */
class ServicesTest {

    private static final String ADD = """
            insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate)
            values (?, ?, ?, 'lab_test', ?, '999316', ?::numeric)""";

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void servicesAreHashPartitionedByFacilityIntoEightPartitions() throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select p.partstrat, a.attname, (select count(*) from pg_inherits i where i.inhparent = p.partrelid)
                     from pg_partitioned_table p join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
                     where p.partrelid = 'services'::regclass""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("h");
            assertThat(rs.getString(2)).isEqualTo("facility_id");
            assertThat(rs.getInt(3)).isEqualTo(8);
        }
    }

    @Test
    void withoutContextNoServiceIsVisible() throws SQLException {
        assertThat(app.count("select count(*) from services")).isZero();
    }

    @Test
    void aFacilityAdminSeesOnlyTheirPriceListAndAddsOnlyToIt() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.strings("select distinct facility_id::text from services")).containsExactly(SANJEEVANI.toString());
        assertThat(app.count("select count(*) from services where id = ?", AROGYA_CONSULTATION)).isZero();
        assertThat(app.update(ADD, SANJEEVANI, "LAB-HBA1C", "HbA1c", 55000L, "0")).isOne();
        assertThat(app.failure(ADD, AROGYA, "LAB-HBA1C", "HbA1c", 55000L, "0")).hasMessageContaining("row-level security");
        assertThat(app.update("update services set price_paise = 1 where facility_id = ?", AROGYA)).isZero();
    }

    @Test
    void staffSeeThePriceListButOnlyAdminsChangeIt() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.count("select count(*) from services")).isPositive();
        assertThat(app.failure(ADD, SANJEEVANI, "LAB-HBA1C", "HbA1c", 55000L, "0")).hasMessageContaining("row-level security");
        assertThat(app.update("update services set price_paise = 1 where id = ?", SANJEEVANI_CONSULTATION)).isZero();
    }

    @Test
    void aPatientSeesThePriceListsOfFacilitiesWhereTheyAreRegistered() throws SQLException {
        app.as(PATIENT_ANIL, null);
        assertThat(app.strings("select distinct facility_id::text from services order by 1"))
                .containsExactlyInAnyOrder(SANJEEVANI.toString(), AROGYA.toString());
        assertThat(app.count("select count(*) from services where facility_id = ?", PRECISION_LAB)).isZero();
        assertThat(app.failure(ADD, SANJEEVANI, "LAB-HBA1C", "HbA1c", 55000L, "0")).hasMessageContaining("row-level security");
    }

    @Test
    void pricesAreWholePaiseNeverNegativeAndGstRatesAreBounded() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.failure(ADD, SANJEEVANI, "LAB-NEG", "Negative", -1L, "0")).hasMessageContaining("services_price_paise_check");
        assertThat(app.failure(ADD, SANJEEVANI, "LAB-GST", "Taxed", 100L, "0.5")).hasMessageContaining("services_gst_rate_check");
        assertThat(app.failure(ADD, SANJEEVANI, "lab bad", "Bad code", 100L, "0")).hasMessageContaining("services_code_check");
        assertThat(app.update(ADD, SANJEEVANI, "LAB-FREE", "Free camp test", 0L, "0.18")).isOne();
    }

    @Test
    void aCodeIsUniqueWithinAFacilityOnly() throws SQLException {
        app.as(SUPER_ADMIN, null);
        SQLException duplicate = app.sqlFailure(ADD, SANJEEVANI, "OPD-CONS", "Duplicate", 100L, "0");
        assertThat(duplicate.getSQLState()).isEqualTo("23505");
        assertThat(duplicate.getMessage()).contains("facility_id_code_key");
        assertThat(app.update(ADD, AROGYA, "OPD-CONS", "Same code, other facility", 100L, "0")).isOne();
    }

    @Test
    void aServiceKeepsItsFacility() throws SQLException {
        app.as(SUPER_ADMIN, null);
        assertThat(app.failure("update services set facility_id = ? where id = ?", AROGYA, SANJEEVANI_CONSULTATION))
                .hasMessageContaining("keep their facility and id");
        UUID kept = SANJEEVANI_CONSULTATION;
        assertThat(app.update("update services set active = false where id = ?", kept)).isOne();
        assertThat(app.failure("delete from services where id = ?", kept)).hasMessageContaining("permission denied");
    }
}
