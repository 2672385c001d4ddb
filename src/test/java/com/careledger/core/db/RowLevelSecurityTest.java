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
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Facilities and users under forced row-level security, seen as the app's role; each test rolls back. */
class RowLevelSecurityTest {

    private AppSession app;

    @BeforeEach
    void openTransaction() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void withoutContextNoFacilityAndNoUserIsVisible() throws SQLException {
        assertThat(count("facilities")).isZero();
        assertThat(count("users")).isZero();
    }

    @Test
    void emptyOrMalformedContextSetDirectlyFailsClosed() throws SQLException {
        for (String garbage : List.of("", "not-a-uuid", "' or true --", SANJEEVANI + "x", SUPER_ADMIN.toString())) {
            forge("app.user_id", garbage);
            forge("app.current_tenant", garbage);
            assertThat(count("facilities")).as("context %s", garbage).isZero();
            assertThat(count("users")).as("context %s", garbage).isZero();
        }
    }

    @Test
    void aForgedTenantAfterALegitimateContextWidensNothing() throws SQLException {
        context(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(count("facilities")).isOne();
        forge("app.current_tenant", AROGYA.toString());
        assertThat(strings("select id::text from facilities")).isEmpty();
        assertThat(strings("select id::text from users")).isEmpty();
    }

    @Test
    void aForgedUserAfterALegitimateContextWidensNothing() throws SQLException {
        context(SANJEEVANI_ADMIN, SANJEEVANI);
        forge("app.user_id", SUPER_ADMIN.toString());
        forge("app.current_tenant", "");
        assertThat(count("facilities")).isZero();
    }

    @Test
    void aSignatureCopiedFromAnEarlierTransactionDoesNotVerify() throws SQLException {
        context(SUPER_ADMIN, null);
        String signature = strings("select current_setting('app.context_sig')").getFirst();
        app.commit();
        forge("app.user_id", SUPER_ADMIN.toString());
        forge("app.current_tenant", "");
        forge("app.context_sig", signature);
        assertThat(count("facilities")).isZero();
    }

    @Test
    void theAppRoleCannotReadTheSigningKeyNorSignItself() throws SQLException {
        for (String attempt : List.of("select key from app.context_key", "select app.context_signature('x', '', '')")) {
            try (Connection fresh = TestDatabase.connectAsApp(); var st = fresh.createStatement()) {
                assertThatThrownBy(() -> st.executeQuery(attempt)).as(attempt).hasMessageContaining("permission denied");
            }
        }
    }

    @Test
    void setCurrentTenantRefusesAFacilityTheUserDoesNotBelongTo() {
        assertThatThrownBy(() -> context(SANJEEVANI_ADMIN, AROGYA)).hasMessageContaining("may not work in facility");
    }

    @Test
    void setCurrentUserRefusesAnUnknownUser() {
        assertThatThrownBy(() -> context(java.util.UUID.randomUUID(), null)).hasMessageContaining("the sign-in has ended");
    }

    @Test
    void theSuperAdminSeesEveryFacility() throws SQLException {
        context(SUPER_ADMIN, null);
        assertThat(count("facilities")).isEqualTo(DEMO_FACILITIES);
    }

    @Test
    void aFacilityAdminSeesExactlyTheirFacilityAndItsUsers() throws SQLException {
        context(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(strings("select id::text from facilities")).containsExactly(SANJEEVANI.toString());
        assertThat(strings("select distinct coalesce(facility_id::text, 'none') from users")).containsExactly(SANJEEVANI.toString());
    }

    @Test
    void staffSeeTheirOwnFacility() throws SQLException {
        context(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(strings("select id::text from facilities")).containsExactly(SANJEEVANI.toString());
    }

    @Test
    void aPatientSeesNoFacilityRowsButTheirOwnUser() throws SQLException {
        context(PATIENT_ANIL, null);
        assertThat(count("facilities")).isZero();
        assertThat(strings("select id::text from users")).containsExactly(PATIENT_ANIL.toString());
    }

    @Test
    void theAppRoleCannotWriteFacilitiesOrUsersDirectly() throws SQLException {
        context(SUPER_ADMIN, null);
        assertThatThrownBy(() -> app.execute(
                "insert into facilities (name, legal_name, type, city) values ('Rogue', 'Rogue', 'clinic', 'Pune')"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void theSignInWorksWithoutContextAndOnlyByExactEmail() throws SQLException {
        String address = "rls-test-" + java.util.UUID.randomUUID();
        assertThat(strings("select role::text from app.sign_in('ADMIN@sanjeevani.test', ?, ?)", TestDatabase.DEMO_PASSWORD, address))
                .containsExactly("facility_admin");
        assertThat(strings("select outcome from app.sign_in('%', ?, ?)", TestDatabase.DEMO_PASSWORD, address))
                .containsExactly("bad_credentials");
    }

    private void context(UUID userId, UUID tenant) throws SQLException {
        app.as(userId, tenant);
    }

    private void forge(String setting, String value) throws SQLException {
        app.forge(setting, value);
    }

    private int count(String table) throws SQLException {
        return app.rows(table);
    }

    private List<String> strings(String sql, Object... params) throws SQLException {
        return app.strings(sql, params);
    }
}
