package com.careledger.core.db;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.DEMO_FACILITIES;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Facilities and users under forced row-level security, seen as the app's role; each test rolls back. */
class RowLevelSecurityTest {

    private Connection app;

    @BeforeEach
    void openTransaction() throws SQLException {
        app = TestDatabase.connectAsApp();
        app.setAutoCommit(false);
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.rollback();
        app.close();
    }

    @Test
    void withoutContextNoFacilityAndNoUserIsVisible() throws SQLException {
        assertThat(count("facilities")).isZero();
        assertThat(count("users")).isZero();
    }

    @Test
    void emptyOrMalformedContextFailsClosed() throws SQLException {
        for (String garbage : List.of("", "not-a-uuid", "' or true --", SANJEEVANI + "x")) {
            context(garbage, garbage);
            assertThat(count("facilities")).as("context %s", garbage).isZero();
            assertThat(count("users")).as("context %s", garbage).isZero();
        }
    }

    @Test
    void theSuperAdminSeesEveryFacility() throws SQLException {
        context(SUPER_ADMIN.toString(), "");
        assertThat(count("facilities")).isEqualTo(DEMO_FACILITIES);
    }

    @Test
    void aFacilityAdminSeesExactlyTheirFacilityAndItsUsers() throws SQLException {
        context(SANJEEVANI_ADMIN.toString(), SANJEEVANI.toString());
        assertThat(strings("select id::text from facilities")).containsExactly(SANJEEVANI.toString());
        assertThat(strings("select distinct coalesce(facility_id::text, 'none') from users")).containsExactly(SANJEEVANI.toString());
    }

    @Test
    void staffSeeTheirOwnFacility() throws SQLException {
        context(SANJEEVANI_BILLING.toString(), SANJEEVANI.toString());
        assertThat(strings("select id::text from facilities")).containsExactly(SANJEEVANI.toString());
    }

    @Test
    void aFacilityAdminNamingAnotherTenantSeesNothing() throws SQLException {
        context(SANJEEVANI_ADMIN.toString(), AROGYA.toString());
        assertThat(count("facilities")).isZero();
    }

    @Test
    void aPatientSeesNoFacilityRowsButTheirOwnUser() throws SQLException {
        context(PATIENT_ANIL.toString(), "");
        assertThat(count("facilities")).isZero();
        assertThat(strings("select id::text from users")).containsExactly(PATIENT_ANIL.toString());
    }

    @Test
    void theAppRoleCannotWriteFacilitiesOrUsersDirectly() throws SQLException {
        context(SUPER_ADMIN.toString(), "");
        assertThatThrownBy(() -> app.createStatement().execute(
                "insert into facilities (name, type, city) values ('Rogue', 'clinic', 'Pune')"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void theSignInLookupWorksWithoutContextAndOnlyByExactEmail() throws SQLException {
        assertThat(strings("select role::text from app.find_login('ADMIN@sanjeevani.test')")).containsExactly("facility_admin");
        assertThat(strings("select role::text from app.find_login('%')")).isEmpty();
    }

    private void context(String userId, String tenant) throws SQLException {
        try (PreparedStatement ps = app.prepareStatement(RlsTransactionManager.SET_CONTEXT)) {
            ps.setString(1, userId);
            ps.setString(2, tenant);
            ps.execute();
        }
    }

    private int count(String table) throws SQLException {
        return Integer.parseInt(strings("select count(*) from " + table).getFirst());
    }

    private List<String> strings(String sql) throws SQLException {
        try (PreparedStatement ps = app.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
