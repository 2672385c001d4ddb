package com.careledger.core.db;

import static com.careledger.test.TestDatabase.AROGYA;
import static com.careledger.test.TestDatabase.AROGYA_ADMIN;
import static com.careledger.test.TestDatabase.DEMO_FACILITIES;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The request context rides on the transaction, not on the pooled connection: with a pool of one
 * connection, transactions for two tenants alternate (one of them failing midway) and each sees only
 * its own tenant; a transaction for nobody sees no tenant row.
 */
class RlsTransactionManagerTest {

    private static HikariDataSource pool;
    private static TransactionTemplate tx;

    @BeforeAll
    static void onePooledConnection() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(TestDatabase.appDataSource());
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        pool = new HikariDataSource(config);
        tx = new TransactionTemplate(new RlsTransactionManager(pool));
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void alternatingTenantsOnOneConnectionEachSeeOnlyTheirOwnFacility() throws Exception {
        int backend = backendPid(DbContext.NONE);

        assertThat(visibleFacilities(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI))).containsExactly(SANJEEVANI);

        // the second tenant's transaction fails after it has read: rollback must leave nothing behind
        assertThatThrownBy(() -> DbContext.runAs(TestSessions.context(AROGYA_ADMIN, AROGYA), () -> tx.executeWithoutResult(s -> {
            assertThat(query("select id from facilities")).containsExactly(AROGYA);
            throw new IllegalStateException("boom mid-transaction");
        }))).hasMessage("boom mid-transaction");

        assertThat(visibleFacilities(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI))).containsExactly(SANJEEVANI);
        assertThat(visibleFacilities(DbContext.NONE)).isEmpty();
        assertThat(visibleFacilities(TestSessions.context(AROGYA_ADMIN, AROGYA))).containsExactly(AROGYA);
        assertThat(visibleFacilities(TestSessions.context(SUPER_ADMIN, null))).hasSize(DEMO_FACILITIES);

        assertThat(backendPid(DbContext.NONE)).as("one physical connection throughout").isEqualTo(backend);
    }

    @Test
    void theContextDoesNotOutliveItsTransaction() throws Exception {
        visibleFacilities(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI));
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select coalesce(current_setting('app.user_id', true), ''),"
                     + " coalesce(current_setting('app.current_tenant', true), ''), (select count(*) from facilities)")) {
            rs.next();
            assertThat(rs.getString(1)).isEmpty();
            assertThat(rs.getString(2)).isEmpty();
            assertThat(rs.getInt(3)).isZero();
        }
    }

    @Test
    void aFacilityAdminClaimingAnotherTenantIsRefused() {
        assertThatThrownBy(() -> visibleFacilities(TestSessions.context(SANJEEVANI_ADMIN, AROGYA)))
                .rootCause().hasMessageContaining("may not work in facility");
    }

    @Test
    void aSessionEndedInTheDatabaseEndsTheSignInAtTheNextTransaction() throws Exception {
        String token = TestSessions.freshToken(EmbeddedPostgresAutoConfiguration.DATABASE, SANJEEVANI_ADMIN);
        DbContext signedIn = new DbContext(SANJEEVANI_ADMIN, SANJEEVANI, token);
        assertThat(visibleFacilities(signedIn)).containsExactly(SANJEEVANI);
        try (var c = TestDatabase.connectAsApp(); var ps = c.prepareStatement("select app.sign_out(?)")) {
            ps.setString(1, token);
            ps.execute();
        }
        assertThatThrownBy(() -> visibleFacilities(signedIn)).isInstanceOf(SignInEndedException.class)
                .hasMessageContaining("sign in again");
        assertThat(visibleFacilities(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI)))
                .as("the user's other sessions go on").containsExactly(SANJEEVANI);
    }

    @Test
    void theSuperAdminWhoEnteredAFacilitySeesOnlyThatOne() throws Exception {
        assertThat(visibleFacilities(TestSessions.context(SUPER_ADMIN, AROGYA))).containsExactly(AROGYA);
    }

    @Test
    void readOnlyTransactionsRefuseWrites() {
        TransactionTemplate readOnly = new TransactionTemplate(tx.getTransactionManager());
        readOnly.setReadOnly(true);
        assertThatThrownBy(() -> DbContext.runAs(TestSessions.context(SUPER_ADMIN, null), () -> readOnly.executeWithoutResult(s -> {
            try (Statement st = connection().createStatement()) {
                st.execute("create temporary table t (x int)");
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }))).hasMessageContaining("read-only transaction");
    }

    @Test
    void aReadOnlyTransactionStillKeepsItsVerifiedContext() throws Exception {
        TransactionTemplate readOnly = new TransactionTemplate(tx.getTransactionManager());
        readOnly.setReadOnly(true);
        List<String> seen = DbContext.callAs(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI), () -> readOnly.execute(s -> {
            try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery(
                    "select current_setting('transaction_read_only'), app.request_context_cached()::text,"
                    + " (select string_agg(id::text, ',') from facilities)")) {
                rs.next();
                return List.of(rs.getString(1), rs.getString(2), rs.getString(3));
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }));
        assertThat(seen).containsExactly("on", "true", SANJEEVANI.toString());
    }

    @Test
    void aPatientsTransactionRunsAsThePatientRoleAndTheNextOneAsTheAppRoleAgain() throws Exception {
        int backend = backendPid(DbContext.NONE);
        // Anil's issued bill at Sanjeevani, not his draft: the patient role's policy
        assertThat(roleAndBills(TestSessions.context(PATIENT_ANIL, null), false))
                .containsExactly("careledger_patient", "b1110000-0000-4000-8000-000000000101");
        assertThat(roleAndBills(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI), false).getFirst()).isEqualTo("careledger_app");
        assertThat(roleAndBills(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI), false)).hasSizeGreaterThan(2);
        assertThat(roleAndBills(DbContext.NONE, false)).containsExactly("careledger_app");
        // read-only: the role is set before SET TRANSACTION READ ONLY, and the context is still kept
        assertThat(roleAndBills(TestSessions.context(PATIENT_ANIL, null), true))
                .containsExactly("careledger_patient", "b1110000-0000-4000-8000-000000000101");
        assertThat(roleAndBills(TestSessions.context(AROGYA_ADMIN, AROGYA), true).getFirst()).isEqualTo("careledger_app");
        assertThat(backendPid(DbContext.NONE)).as("one physical connection throughout").isEqualTo(backend);
    }

    /** The role a transaction runs as, then the bills it sees, in id order. */
    private static List<String> roleAndBills(DbContext context, boolean readOnly) throws Exception {
        TransactionTemplate template = new TransactionTemplate(tx.getTransactionManager());
        template.setReadOnly(readOnly);
        return DbContext.callAs(context, () -> template.execute(s -> {
            List<String> out = new ArrayList<>();
            try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery(
                    "select current_user::text, 0 as k union all (select id::text, 1 from bills) order by 2, 1")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return out;
        }));
    }

    private static List<UUID> visibleFacilities(DbContext context) throws Exception {
        return DbContext.callAs(context, () -> tx.execute(s -> query("select id from facilities order by name")));
    }

    private static int backendPid(DbContext context) throws Exception {
        return DbContext.callAs(context, () -> tx.execute(s -> {
            try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    private static List<UUID> query(String sql) {
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<UUID> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connection() {
        return DataSourceUtils.getConnection(pool);
    }
}
