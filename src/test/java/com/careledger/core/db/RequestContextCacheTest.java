package com.careledger.core.db;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.DEMO_FACILITIES;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request context is verified once per transaction (kept in app.request_contexts): app.set_current_user and
 * app.set_current_tenant keep what they verified, and the helpers every policy calls read it back while the settings
 * are still the ones signed. Seen as the app's role; each test rolls back.
 */
class RequestContextCacheTest {

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
    void aContextSetInThisTransactionIsReadBackWithTheSameAnswers() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.bool("select app.request_context_cached()")).isTrue();
        assertThat(app.strings("select unnest(app.visible_facilities())::text")).containsExactly(SANJEEVANI.toString());
        assertThat(app.strings("select unnest(app.administered_facilities())::text")).containsExactly(SANJEEVANI.toString());
        assertThat(app.string("select app.current_user_role()::text")).isEqualTo("facility_admin");
        assertThat(app.string("select app.current_tenant()::text")).isEqualTo(SANJEEVANI.toString());
        assertThat(app.strings("select id::text from facilities")).containsExactly(SANJEEVANI.toString());
    }

    @Test
    void staffSeeTheirFacilityButAdministerNone() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.bool("select app.request_context_cached()")).isTrue();
        assertThat(app.strings("select unnest(app.visible_facilities())::text")).containsExactly(SANJEEVANI.toString());
        assertThat(app.strings("select unnest(app.administered_facilities())::text")).isEmpty();
    }

    @Test
    void theSuperAdminsEveryFacilityIsReadWhenAskedNotKept() throws SQLException {
        app.as(SUPER_ADMIN, null);
        assertThat(app.bool("select app.request_context_cached()")).isTrue();
        assertThat(app.count("select cardinality(app.visible_facilities())")).isEqualTo(DEMO_FACILITIES);
        app.as(SUPER_ADMIN, AROGYA);
        assertThat(app.strings("select unnest(app.visible_facilities())::text")).containsExactly(AROGYA.toString());
    }

    @Test
    void aSettingChangedAfterSigningMissesTheKeptContextAndVerifiesToNothing() throws SQLException {
        for (List<String> forged : List.of(List.of("app.current_tenant", AROGYA.toString()),
                                           List.of("app.user_id", SUPER_ADMIN.toString()),
                                           List.of("app.context_sig", "0".repeat(64)))) {
            app.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(app.rows("facilities")).isOne();
            app.forge(forged.get(0), forged.get(1));
            assertThat(app.bool("select app.request_context_cached()")).as("%s", forged).isFalse();
            assertThat(app.strings("select unnest(app.visible_facilities())::text")).as("%s", forged).isEmpty();
            assertThat(app.rows("facilities")).as("%s", forged).isZero();
        }
    }

    @Test
    void aContextKeptInAnEarlierTransactionIsNotThisOnes() throws SQLException {
        app.as(SUPER_ADMIN, null);
        String user = app.string("select current_setting('app.user_id')");
        String signature = app.string("select current_setting('app.context_sig')");
        app.commit();
        app.forge("app.user_id", user);
        app.forge("app.current_tenant", "");
        app.forge("app.context_sig", signature);
        assertThat(app.bool("select app.request_context_cached()")).isFalse();
        assertThat(app.rows("facilities")).isZero();
    }

    @Test
    void aRolledBackSavepointTakesTheKeptContextBackWithTheSettings() throws SQLException {
        app.as(SUPER_ADMIN, null);
        Savepoint entering = app.connection().setSavepoint();
        app.as(SUPER_ADMIN, AROGYA);
        assertThat(app.rows("facilities")).isOne();
        app.connection().rollback(entering);
        assertThat(app.bool("select app.request_context_cached()")).isTrue();
        assertThat(app.rows("facilities")).isEqualTo(DEMO_FACILITIES);
    }

    @Test
    void theAppRoleCanNeitherReadNorWriteTheKeptContexts() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        for (String attempt : List.of(
                "select count(*) from app.request_contexts",
                "update app.request_contexts set visible = null",
                "insert into app.request_contexts (backend_pid, transaction_start, user_setting, tenant_setting, signature, user_id)"
                + " values (pg_backend_pid(), now(), '', '', '', gen_random_uuid())",
                "select app.remember_request_context()",
                "select app.cached_request_context()")) {
            assertThat(app.sqlFailure(attempt).getSQLState()).as(attempt).isEqualTo("42501");
        }
    }

    /**
     * app.facilities_permitting: the billing staff's policies ask once for the facilities whose context holds one of
     * the permissions.
     */
    @Test
    void facilitiesPermittingAnswersForBillingStaffAndNotForADoctor() throws SQLException {
        String billing = "select coalesce(string_agg(f::text, ','), '') from unnest(app.facilities_permitting('{billing.manage,cash.collect}')) f";
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.string(billing)).isEqualTo(SANJEEVANI.toString());
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.string(billing)).isEqualTo(SANJEEVANI.toString());
        app.as(SANJEEVANI_DOCTOR, SANJEEVANI);
        assertThat(app.string(billing)).isEmpty();
        assertThat(app.rows("payments")).isZero();
        app.as(PATIENT_ANIL, null);
        assertThat(app.string(billing)).isEmpty();
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.string("select coalesce(string_agg(f::text, ','), '') from unnest(app.facilities_permitting('{clinical.read}')) f"))
                .isEmpty();
    }

    /** Without a kept row (a transaction read-only from its start) the helpers verify the signature and answer the same. */
    @Test
    void theKeptContextAndTheSignatureCheckGiveTheSameAnswers() throws SQLException {
        String answers = """
                select concat_ws(' | ', app.request_context_cached(), app.visible_facilities(), app.administered_facilities(),
                       app.has_permission('billing.manage'), app.has_permission('cash.collect'), app.has_permission('clinical.read'),
                       app.has_permission('appointments.manage'), app.facilities_permitting('{billing.manage,cash.collect}'),
                       app.current_user_role(), app.current_tenant(), app.current_staff_id())""";
        for (java.util.UUID[] principal : new java.util.UUID[][] {
                {SANJEEVANI_BILLING, SANJEEVANI}, {SANJEEVANI_DOCTOR, SANJEEVANI}, {SANJEEVANI_ADMIN, SANJEEVANI},
                {SUPER_ADMIN, AROGYA}, {PATIENT_ANIL, null}}) {
            app.as(principal[0], principal[1]);
            String kept = app.string(answers);
            try (AppSession readOnly = AppSession.open()) {
                readOnly.connection().createStatement().execute("set transaction read only");
                readOnly.as(principal[0], principal[1]);
                String verified = readOnly.string(answers);
                assertThat(kept).as("%s", principal[0]).startsWith("t | ");
                assertThat(verified).as("%s", principal[0]).isEqualTo("f" + kept.substring(1));
            }
        }
    }

    @Test
    void noUserKeepsNothing() throws SQLException {
        app.as(null, null);
        assertThat(app.bool("select app.request_context_cached()")).isFalse();
        assertThat(app.rows("facilities")).isZero();
    }
}
