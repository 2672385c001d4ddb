package com.careledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator's small size, in a database of its own on the test server (it commits, and other tests count
 * the demo facilities): it balances, it makes what its plan says, all seven facility types, over two years,
 * and a rerun continues instead of adding anything.
 */
class DataGeneratorTest {

    static final String DATABASE = "careledger_bench_" + ProcessHandle.current().pid();
    static final long SEED = 42;

    private static LocalPostgres server;
    private static DataGenerator.Target target;
    private static DataGenerator.Result first;

    @BeforeAll
    static void generateTheSmallSize() throws Exception {
        server = TestDatabase.server();
        try (Connection c = server.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + DATABASE + " with (force)");
            st.execute("create database " + DATABASE + " owner " + EmbeddedPostgresAutoConfiguration.OWNER_ROLE
                       + " encoding 'UTF8' template template0");
        }
        String url = server.jdbcUrl(DATABASE);
        DataGenerator.migrate(url, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE, server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE));
        target = new DataGenerator.Target(url, LocalPostgres.SUPERUSER, server.password(LocalPostgres.SUPERUSER));
        first = new DataGenerator(target, Size.SMALL, SEED, 2, true).run();
    }

    @AfterAll
    static void dropTheDatabase() throws SQLException {
        try (Connection c = server.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + DATABASE + " with (force)");
        }
    }

    @Test
    void theLedgerBalancesForEveryFacilityAndInAll() {
        assertThat(first.trialBalance()).isZero();
        assertThat(first.unbalancedFacilities()).isZero();
        assertThat(first.rows().get("journal_lines")).isGreaterThan(first.rows().get("journal_entries"));
    }

    @Test
    void itMakesWhatTheSizeAndThePlanSay() {
        assertThat(first.rows().get("facilities")).isEqualTo(Size.SMALL.facilities());
        assertThat(first.rows().get("patients")).isEqualTo((long) Size.SMALL.facilities() * Size.SMALL.patientsPerFacility());
        assertThat(first.plannedBills()).isGreaterThan(100);
        assertThat(first.rows().get("appointments")).isEqualTo(first.plannedAppointments());
        assertThat(first.rows().get("bills")).isEqualTo(first.plannedBills());
        assertThat(first.rows().get("cash_collections")).isEqualTo(first.plannedCollections());
        assertThat(first.rows().get("gateway_settlements")).isPositive();
        assertThat(first.skipped()).as("optional steps that failed where their functions exist").isEmpty();
    }

    @Test
    void allSevenTypesWithBillsIssuedOverTwoYearsAndEveryMethod() throws SQLException {
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            assertThat(one(st, "select count(distinct type) from facilities")).isEqualTo(7);
            assertThat(one(st, "select count(*) from bills where status = 'draft'")).isZero();
            assertThat(one(st, "select max(issued_on) - min(issued_on) from bills")).isGreaterThan(600);
            assertThat(one(st, "select count(*) from bills where issued_on >= current_date")).isZero();
            assertThat(one(st, "select count(*) from payments where captured_at is not null")).isEqualTo(first.plannedPayments());
            // declined attempts before some of them, each with a row of its own
            assertThat(one(st, "select count(*) from payments where status = 'failed'")).isPositive();
            // a receipt for every captured payment and every cash collection
            assertThat(one(st, "select count(*) from receipts"))
                    .isEqualTo(first.plannedPayments() + first.plannedCollections());
            assertThat(one(st, "select count(distinct method) from payments where captured_at is not null")).isEqualTo(5);
            assertThat(one(st, "select count(distinct gateway) from payments")).isEqualTo(2);
            assertThat(one(st, "select count(*) from cashier_shifts where status = 'open'")).isZero();
            // refunds and settlements wherever their functions exist (both are on main now)
            assertThat(one(st, "select count(*) from payment_refunds")).isPositive();
            assertThat(one(st, "select count(*) from cash_refunds")).isPositive();
            assertThat(one(st, "select count(*) from settlements where settlement_status = 'paid'")).isPositive();
            assertThat(one(st, "select count(*) from settlements where settlement_status = 'pending'")).isPositive();
            assertThat(one(st, "select count(*) from gateway_settlements where status = 'mismatched'")).isPositive();
            // appointments left the default partition for their months
            assertThat(one(st, "select count(*) from only appointments_default")).isZero();
        }
    }

    /**
     * The reports on generated data, as the app's role with a super admin's signed context: the reconciliation
     * finds no difference; the live summary view agrees with the ledger and the three questions; every materialized
     * view, once refreshed, agrees with the live views and the source rows.
     */
    @Test
    void theReportsAgreeWithTheLedgerAndTheSourceRows() throws SQLException {
        java.util.UUID admin = java.util.UUID.randomUUID();
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("set local role careledger_definer");
            st.execute("insert into users (id, email, display_name, password_hash, role) values ('" + admin
                    + "', 'reports-" + admin + "@bench.test', 'Reports', '!', 'super_admin')");
            String token = TestSessions.mintIn(c, admin);
            st.execute("set local role careledger_app");
            st.execute("select app.set_current_user('" + admin + "', '" + token + "'), app.set_current_tenant(null)");

            assertThat(one(st, "select count(*) from app.reconciliation(null)")).isGreaterThan(7 * 8);
            assertThat(one(st, "select count(*) from app.reconciliation(null) where difference_paise <> 0")).isZero();
            assertThat(one(st, """
                    select count(*) from reporting_facility_summary s
                    join app.held_for_platform(null) h on h.facility_id = s.facility_id
                    join app.commission_pending(null) q on q.facility_id = s.facility_id
                    where s.commission_pending_cash_paise = h.receivable_paise
                      and s.commission_pending_cash_paise = q.cash_paise
                      and s.commission_pending_online_paise = q.online_margin_paise
                      and s.collected_online_paise = (select coalesce(sum(p.amount_paise - p.refunded_paise), 0) from payments p
                                                      where p.facility_id = s.facility_id and p.captured_at is not null)
                      and s.collected_cash_paise = (select coalesce(sum(k.amount_collected_paise - k.refunded_paise), 0)
                                                    from cash_collections k where k.facility_id = s.facility_id)""")).isEqualTo(7);

            st.execute("select * from app.refresh_reporting_views()");
            assertThat(one(st, """
                    select count(*) from app.report_pending_commission() m
                    join reporting_facility_summary s on s.facility_id = m.facility_id
                    where m.pending_cash_paise = s.commission_pending_cash_paise
                      and m.pending_online_paise = s.commission_pending_online_paise""")).isEqualTo(7);
            assertThat(one(st, """
                    select count(*) from reporting_facility_summary s
                    join (select d.facility_id, sum(d.online_paise - d.online_refunded_paise) as online,
                                 sum(d.cash_paise - d.cash_refunded_paise) as cash
                          from app.report_facility_daily_revenue('2000-01-01', '2999-12-31') d group by d.facility_id) d
                      on d.facility_id = s.facility_id
                    where d.online = s.collected_online_paise and d.cash = s.collected_cash_paise""")).isEqualTo(7);
            assertThat(one(st, """
                    select sum(lifetime_value_paise) from app.report_patient_lifetime_value(null, 1000000)"""))
                    .isEqualTo(one(st, "select collected_online_paise + collected_cash_paise from reporting_platform_summary"));
            assertThat(one(st, "select sum(revenue_paise) from app.report_category_revenue('2000-01-01', '2999-12-31')"))
                    .isEqualTo(one(st, "select collected_online_paise + collected_cash_paise from reporting_platform_summary"));
            c.rollback();
        }
    }

    @Test
    void aRerunWithTheSameSettingsContinuesAndAddsNothing() throws Exception {
        DataGenerator.Result again = new DataGenerator(target, Size.SMALL, SEED, 2, true).run();
        assertThat(again.rows()).isEqualTo(first.rows());
    }

    private static long one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
