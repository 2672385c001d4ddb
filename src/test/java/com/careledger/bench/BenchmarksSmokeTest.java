package com.careledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark code on two facilities of the small size with tiny iteration counts, in a database of its own on
 * the test server: every section is measured and written, the numbers are positive and the same SQL answers the
 * same for the app role and the BYPASSRLS role. No timing is asserted.
 */
class BenchmarksSmokeTest {

    static final String DATABASE = "careledger_benchsmoke_" + ProcessHandle.current().pid();

    private static LocalPostgres server;
    private static DataGenerator.Target target;
    private static Benchmarks.Report report;
    private static String markdown;

    @BeforeAll
    static void runTheBenchmarksOnTwoSmallFacilities() throws Exception {
        server = TestDatabase.server();
        try (Connection c = server.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + DATABASE + " with (force)");
            st.execute("create database " + DATABASE + " owner " + EmbeddedPostgresAutoConfiguration.OWNER_ROLE
                       + " encoding 'UTF8' template template0");
        }
        server.applyDatabaseSetup(DATABASE);
        String url = server.jdbcUrl(DATABASE);
        DataGenerator.migrate(url, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE, server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE));
        target = new DataGenerator.Target(url, LocalPostgres.SUPERUSER, server.password(LocalPostgres.SUPERUSER));
        new DataGenerator(target, Size.SMALL.withFacilities(2), 7, 2, true).run();
        report = new Benchmarks(target, Benchmarks.Iterations.SMOKE, true).run("small");
        markdown = BenchmarkReport.markdown(report, "bench/run --size small --quick");
    }

    @AfterAll
    static void dropTheDatabase() throws SQLException {
        try (Connection c = server.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + DATABASE + " with (force)");
        }
    }

    @Test
    void everyQueryIsMeasuredOnBothSides() {
        assertThat(report.rls()).hasSize(RlsCost.QUERIES.size());
        assertThat(report.rls()).allSatisfy(q -> {
            assertThat(q.appMs()).isPositive();
            assertThat(q.bypassMs()).isPositive();
        });
        assertThat(report.rlsTotalRatio()).isPositive().isFinite();
        assertThat(report.helpers()).hasSize(ContextHelperCost.HELPERS.size()).allSatisfy(h -> assertThat(h.ms()).isPositive());
        assertThat(report.rlsPlans()).anySatisfy(l -> assertThat(l).contains("InitPlan"));
    }

    @Test
    void postingIsMeasuredAtOneFourAndSixteenClerks() throws SQLException {
        assertThat(report.posting()).extracting(Benchmarks.PostingRow::clerks).containsExactly(1, 4, 16);
        assertThat(report.posting()).allSatisfy(p -> {
            assertThat(p.appRowsPerSecond()).isPositive().isFinite();
            assertThat(p.bareRowsPerSecond()).isPositive().isFinite();
            assertThat(p.directRowsPerSecond()).isPositive().isFinite();
            // the collection, its entry, three lines, the receipt, audit rows, the bill and the receipt counter
            assertThat(p.writesPerCollection()).isGreaterThanOrEqualTo(10);
        });
        // the profile found the function itself among those a collection calls (its body is app.collect_cash_at)
        assertThat(report.profile()).extracting(Benchmarks.ProfileRow::function)
                .anySatisfy(f -> assertThat(f).startsWith("app.collect_cash"));
        // the collections went through the function: each has its ledger entry, and no shift is left open
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select (select count(*) from cash_collections c join staff s on s.id = c.collected_by
                             where s.display_name like 'Benchmark clerk %' and c.journal_entry_id is not null),
                            (select count(*) from bench.bare_cash_collections),
                            (select count(*) from cashier_shifts where status = 'open'),
                            (select count(*) from bench.direct_cash_collections),
                            (select count(*) from bench.direct_journal_lines)""")) {
            rs.next();
            long rows = report.posting().stream().mapToLong(Benchmarks.PostingRow::rows).sum();
            assertThat(rs.getLong(1)).as("measured and profiled collections").isGreaterThan(rows);
            assertThat(rs.getLong(2)).isEqualTo(rows);
            assertThat(rs.getLong(3)).isZero();
            // the direct copies hold the last round's rows (16 clerks): one collection per bill, its lines with it
            assertThat(rs.getLong(4)).isPositive();
            assertThat(rs.getLong(5)).isGreaterThanOrEqualTo(3 * rs.getLong(4));
        }
    }

    @Test
    void latencyRefreshAndPruningAreMeasured() {
        assertThat(report.latency()).extracting(Benchmarks.LatencyRow::question)
                .containsExactly("app.commission_pending", "app.held_for_platform", "app.pending_since_last_settlement");
        assertThat(report.latency()).allSatisfy(l -> assertThat(l.p50()).isPositive().isLessThanOrEqualTo(l.p95()));
        assertThat(report.refresh()).hasSize(4).allSatisfy(v -> assertThat(v.rows()).isNotNegative());
        assertThat(report.readers()).hasSize(ReadersDuringRefresh.READERS.size())
                .allSatisfy(x -> assertThat(x.duringRuns()).isPositive());
        assertThat(report.explains()).hasSize(3).allSatisfy(e -> assertThat(e.plan()).isNotEmpty());
        // one facility, one month: a single partition scanned
        assertThat(report.explains()).allSatisfy(e -> assertThat(e.partitionsScanned()).isEqualTo(1));
    }

    @Test
    void theReportHasEverySectionAndTheMachine() throws SQLException {
        assertThat(markdown).contains("## Machine and data", "## Summary", "## 1. RLS cost", "## 2. Posting cost",
                "## 3. Latency of the three questions", "## 4. Materialized views", "## 5. Partition pruning");
        assertThat(report.machine()).containsKeys("cpu", "cores", "ram", "postgresql", "jdk");
        assertThat(report.machine().get("postgresql")).startsWith("PostgreSQL");
        // the benchmark-only BYPASSRLS role does not outlive the run
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from pg_roles where rolname = '" + Benchmarks.BYPASS_ROLE + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
