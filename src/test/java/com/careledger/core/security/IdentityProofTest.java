package com.careledger.core.security;

import static com.careledger.test.TestDatabase.DEMO_PASSWORD;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identity needs proof: as the app's own role, an injected statement that names a user without the token of a live
 * session of that user (or, for a system principal, without the job runner's secret) enters nobody, sees nothing and
 * changes nothing; sign-in is the database's, returns no hash and is throttled there; a revoked or expired session,
 * a suspended user and a suspended facility end the sign-in at the next transaction.
 */
class IdentityProofTest {

    private static final UUID REPORT_REFRESH = UUID.fromString("00000000-0000-4000-8000-000000000002");
    private static final UUID PAYMENT_WEBHOOK = UUID.fromString("00000000-0000-4000-8000-000000000003");
    private static final String SIGN_IN_ENDED = "28000";

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.openWithDefinerAccess();
    }

    @AfterEach
    void close() throws SQLException {
        app.close();
    }

    @Test
    void enteringAnyUserWithoutProofIsRefusedAndTheStatementSeesAndChangesNothing() throws SQLException {
        for (UUID user : List.of(SUPER_ADMIN, SANJEEVANI_ADMIN, SANJEEVANI_BILLING, SANJEEVANI_DOCTOR, PATIENT_ANIL,
                PARTITION_UPKEEP, REPORT_REFRESH, PAYMENT_WEBHOOK)) {
            for (String proof : new String[] {null, "", "0".repeat(64), TestSessions.SYSTEM_SECRET + "x"}) {
                assertThat(app.sqlFailure("select app.set_current_user(?, ?)", user, proof).getSQLState())
                        .as("%s with %s", user, proof).isEqualTo(SIGN_IN_ENDED);
            }
            // an injected block that swallows the refusal goes on as nobody
            app.execute("""
                    do $$ begin
                      perform app.set_current_user('%s', null);
                    exception when invalid_authorization_specification then null;
                    end $$""".formatted(user));
            assertThat(app.string("select app.current_user_id()")).as("%s", user).isNull();
            assertThat(app.rows("facilities")).isZero();
            assertThat(app.rows("bills")).isZero();
            assertThat(app.rows("patients")).isZero();
            assertThat(app.rows("users")).isZero();
            assertThat(app.sqlFailure("select app.create_bill(?, ?)", SANJEEVANI, TestDatabase.ANIL_AT_SANJEEVANI).getMessage())
                    .as("%s writes nothing", user).contains("is not yours");
            assertThat(app.sqlFailure("select app.open_shift(0)").getMessage()).contains("cash.collect");
        }
    }

    @Test
    void aTokenEntersOnlyItsOwnUser() throws SQLException {
        String clerks = TestSessions.proof(app.connection().getCatalog(), SANJEEVANI_BILLING);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_ADMIN, clerks).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SUPER_ADMIN, clerks).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", PAYMENT_WEBHOOK, clerks).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
        app.as(SANJEEVANI_BILLING, clerks, SANJEEVANI);
        assertThat(app.string("select app.current_user_id()::text")).isEqualTo(SANJEEVANI_BILLING.toString());
    }

    @Test
    void systemPrincipalsEnterOnlyWithTheJobRunnersSecret() throws SQLException {
        for (UUID principal : List.of(PARTITION_UPKEEP, REPORT_REFRESH, PAYMENT_WEBHOOK)) {
            app.as(principal, TestSessions.proof(app.connection().getCatalog(), principal), null);
            assertThat(app.rows("facilities")).as("%s", principal).isGreaterThan(0);
        }
        // a session token cannot be made for a system principal
        try (Connection su = TestDatabase.connectAsSuperuser()) {
            assertThat(failure(su, "select app.issue_session(?, interval '1 hour')", PAYMENT_WEBHOOK))
                    .contains("no user");
        }
    }

    @Test
    void theAppRolesReadNoPasswordHashAndTheOldLookupIsGone() throws SQLException {
        app.as(SUPER_ADMIN, null);
        assertThat(app.sqlFailure("select password_hash from users").getMessage()).contains("permission denied");
        assertThat(app.sqlFailure("select * from users").getMessage()).contains("permission denied");
        assertThat(app.rows("users")).isGreaterThan(0);
        assertThat(app.string("select to_regprocedure('app.find_login(text)')::text")).isNull();
        app.as(PATIENT_ANIL, null);
        assertThat(app.currentRole()).isEqualTo(AppSession.PATIENT_ROLE);
        assertThat(app.sqlFailure("select password_hash from users").getMessage()).contains("permission denied");
        try (Connection su = TestDatabase.connectAsSuperuser()) {
            assertThat(strings(su, """
                    select r.rolname || '.' || c.attname from pg_attribute c
                    cross join (values ('careledger_app'), ('careledger_patient')) r(rolname)
                    where c.attrelid = 'public.users'::regclass and c.attname = 'password_hash'
                      and has_column_privilege(r.rolname, c.attrelid, c.attnum, 'select')""")).isEmpty();
        }
    }

    @Test
    void signInAnswersWithASessionAndNeverAHash() throws SQLException {
        String address = "test-" + UUID.randomUUID();
        List<List<String>> row = app.table("select * from app.sign_in('Billing@Sanjeevani.test', ?, ?)", DEMO_PASSWORD, address);
        assertThat(row).hasSize(1);
        assertThat(row.getFirst().get(0)).isEqualTo("signed_in");
        assertThat(row.getFirst().get(1)).isEqualTo(SANJEEVANI_BILLING.toString());
        String token = row.getFirst().get(6);
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(String.join(",", row.getFirst())).doesNotContain("$2a$").doesNotContain("{bcrypt}");
        app.as(SANJEEVANI_BILLING, token, SANJEEVANI);
        assertThat(app.string("select app.current_user_id()::text")).isEqualTo(SANJEEVANI_BILLING.toString());
        app.execute("select app.sign_out(?)", token);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_BILLING, token).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
    }

    @Test
    void anUnknownAccountAndAWrongPasswordAnswerAlike() throws SQLException {
        String address = "test-" + UUID.randomUUID();
        List<List<String>> unknown = app.table("select * from app.sign_in('nobody@nowhere.test', 'guess', ?)", address);
        List<List<String>> wrong = app.table("select * from app.sign_in('billing@sanjeevani.test', 'guess', ?)", address);
        assertThat(unknown).isEqualTo(wrong);
        assertThat(wrong.getFirst().getFirst()).isEqualTo("bad_credentials");
        assertThat(wrong.getFirst().subList(1, 8)).containsOnlyNulls();
    }

    @Test
    void fiveWrongPasswordsThrottleTheAccountEvenForTheRightOneUntilTheBlockEnds() throws SQLException {
        String email = "throttle-" + UUID.randomUUID() + "@sanjeevani.test";
        app.asDefiner("insert into users (email, display_name, password_hash, role, facility_id) values (?, 'Throttled', "
                + "'{bcrypt}' || extensions.crypt(?, extensions.gen_salt('bf', 4)), 'staff', ?)", email, DEMO_PASSWORD, SANJEEVANI);
        for (int i = 0; i < 5; i++) {
            assertThat(app.string("select outcome from app.sign_in(?, 'wrong', ?)", email, "a-" + i)).isEqualTo("bad_credentials");
        }
        // refused without looking at the password, for about a minute
        assertThat(app.table("select outcome, retry_after_seconds between 1 and 60 from app.sign_in(?, ?, 'a-6')",
                email, DEMO_PASSWORD)).containsExactly(List.of("throttled", "t"));
        // the app roles cannot move the clock, open sessions or store keys
        for (String call : List.of("select app.sign_in_at('x', 'y', 'z', now() + interval '1 day')",
                "select app.issue_session('" + SANJEEVANI_ADMIN + "', interval '1 hour')",
                "select app.store_system_key('x', sha256('x'))")) {
            assertThat(app.sqlFailure(call).getMessage()).as(call).contains("permission denied");
        }
        // two minutes later (the definer's clock variant) the right password opens a session and clears the count
        app.asDefiner("select outcome from app.sign_in_at(?, ?, 'a-7', now() + interval '2 minutes')", email, DEMO_PASSWORD);
        assertThat(app.string("select outcome from app.sign_in(?, 'wrong', 'a-8')", email)).isEqualTo("bad_credentials");
        assertThat(app.string("select outcome from app.sign_in(?, ?, 'a-9')", email, DEMO_PASSWORD)).isEqualTo("signed_in");
    }

    @Test
    void thirtyFailuresFromOneAddressThrottleThatAddressForEveryAccount() throws SQLException {
        String address = "spray-" + UUID.randomUUID();
        for (int i = 0; i < 30; i++) {
            app.string("select outcome from app.sign_in(?, 'guess', ?)", "spray-" + i + "@nowhere.test", address);
        }
        assertThat(app.string("select outcome from app.sign_in('admin@sanjeevani.test', ?, ?)", DEMO_PASSWORD, address))
                .isEqualTo("throttled");
        assertThat(app.string("select outcome from app.sign_in('admin@sanjeevani.test', ?, ?)", DEMO_PASSWORD, address + "-other"))
                .isEqualTo("signed_in");
    }

    @Test
    void aDisabledUserOrASuspendedFacilityEndsTheSignInAtTheNextTransaction() throws SQLException {
        String catalog = app.connection().getCatalog();
        String clerk = TestSessions.proof(catalog, SANJEEVANI_BILLING);
        String admin = TestSessions.proof(catalog, SANJEEVANI_ADMIN);
        app.asDefiner("update users set status = 'disabled' where id = ?", SANJEEVANI_BILLING);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_BILLING, clerk).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
        assertThat(app.string("select outcome from app.sign_in('billing@sanjeevani.test', ?, ?)", DEMO_PASSWORD,
                "test-" + UUID.randomUUID())).isEqualTo("disabled");
        app.asDefiner("update facilities set status = 'suspended' where id = ?", SANJEEVANI);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_ADMIN, admin).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
        // the platform still enters the suspended facility
        app.as(SUPER_ADMIN, SANJEEVANI);
        assertThat(app.rows("facilities")).isEqualTo(1);
    }

    @Test
    void aRevokedOrExpiredSessionEndsTheSignIn() throws SQLException {
        String clerk = app.mintSession(SANJEEVANI_BILLING);
        // an admin of another facility may not end the clerk's sessions; the clerk's own admin may
        app.as(AROGYA_ADMIN, TestDatabase.AROGYA);
        assertThat(app.sqlFailure("select app.revoke_sessions(?)", SANJEEVANI_BILLING).getMessage())
                .contains("may not end the sessions");
        app.as(SANJEEVANI_BILLING, clerk, SANJEEVANI);
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.count("select app.revoke_sessions(?)", SANJEEVANI_BILLING)).isGreaterThanOrEqualTo(1);
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_BILLING, clerk).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
        String expired = app.definerTable("select app.issue_session(?, interval '1 hour', now() - interval '2 hours')",
                SANJEEVANI_DOCTOR).getFirst().getFirst();
        assertThat(app.sqlFailure("select app.set_current_user(?, ?)", SANJEEVANI_DOCTOR, expired).getSQLState())
                .isEqualTo(SIGN_IN_ENDED);
    }

    /** A clerk re-pointing a patient record at another sign-in would hand that person the record's bills. */
    @Test
    void staffCannotPointAPatientRecordAtAnySignIn() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.sqlFailure("update patients set user_id = ? where id = ?", TestDatabase.PATIENT_RAHUL,
                TestDatabase.SUNITA_AT_SANJEEVANI).getMessage()).contains("permission denied");
        assertThat(app.sqlFailure("update patients set user_id = null where id = ?", TestDatabase.ANIL_AT_SANJEEVANI)
                .getMessage()).contains("permission denied");
        assertThat(app.sqlFailure("""
                insert into patients (facility_id, registration_number, full_name, user_id)
                values (?, 'P-LINK-1', 'Linked By Staff', ?)""", SANJEEVANI, TestDatabase.PATIENT_RAHUL).getMessage())
                .contains("permission denied");
        // the rest of a record stays the staff's to edit
        assertThat(app.update("update patients set phone = '+91 98220 00000' where id = ?", TestDatabase.SUNITA_AT_SANJEEVANI))
                .isEqualTo(1);
        app.as(TestDatabase.PATIENT_RAHUL, null);
        assertThat(app.rows("bills")).as("Rahul still sees only his own bills").isEqualTo(
                app.count("select count(*) from bills b join patients p on p.id = b.patient_id where p.user_id = ?",
                        TestDatabase.PATIENT_RAHUL));
    }

    @Test
    void aForgedSessionSettingBreaksTheSignature() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.rows("facilities")).isEqualTo(1);
        app.forge("app.session_id", UUID.randomUUID().toString());
        assertThat(app.string("select app.current_user_id()")).isNull();
        assertThat(app.rows("facilities")).isZero();
    }

    private static String failure(Connection c, String sql, Object param) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.execute();
            return "";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
