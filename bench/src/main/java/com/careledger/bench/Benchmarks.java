package com.careledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;

/**
 * The benchmarks, side by side in one run on the same data, written to docs/benchmarks.md (see bench/README.md
 * "Benchmarks"). This is the runner: it picks the measured facility, makes the benchmark-only BYPASSRLS role,
 * runs each measurement on a shared {@link BenchmarkRun} and collects their rows into a {@link Report}, which
 * {@link BenchmarkReport} writes out:
 * <ol>
 * <li>RLS cost ({@link RlsCost}): the dashboard and owner's-question queries as the app role under RLS with the
 * signed request context versus the same SQL by the BYPASSRLS role, both with an explicit facility filter; and
 * the cost of the context helpers the policies call ({@link ContextHelperCost});</li>
 * <li>posting cost ({@link PostingCost}): {@code app.collect_cash} versus a bare insert of the same row shape and
 * versus the same row writes made directly ({@link DirectWrites}), at 1, 4 and 16 clerks; where a collection's
 * time goes ({@link CollectionProfile});</li>
 * <li>latency p50/p95/p99 of the three questions for the largest facility ({@link QuestionLatency});</li>
 * <li>materialized view refresh time ({@link ViewRefresh}) and reader latency with and without a refresh running
 * ({@link ReadersDuringRefresh});</li>
 * <li>EXPLAIN of single-facility, single-month queries on the partitioned tables ({@link PartitionPruning}).</li>
 * </ol>
 */
public final class Benchmarks {

    static final String APP_ROLE = EmbeddedPostgresAutoConfiguration.APP_ROLE;
    /** The benchmark-only reader: BYPASSRLS, select on every table; made at set-up, dropped at the end. */
    static final String BYPASS_ROLE = "careledger_bench_bypass";

    /** How many times to run each thing. */
    record Iterations(int warmup, int rlsRounds, int latencyRuns, int billsPerClerk, int postingRounds,
                      int refreshRuns, int readerRuns) {
        static final Iterations FULL = new Iterations(10, 200, 300, 30, 2, 3, 60);
        static final Iterations SMOKE = new Iterations(1, 3, 5, 2, 1, 1, 4);
    }

    // ------------------------------------------------------------------------------------------------
    // Results: the rows of the report, one record per table of docs/benchmarks.md, filled by the measurements
    // ------------------------------------------------------------------------------------------------

    record RlsRow(String query, double appMs, double bypassMs) {
        double ratio() {
            return appMs / bypassMs;
        }
    }

    /** A helper the policies and functions call, timed alone as the app (median ms). */
    record HelperRow(String call, double ms) {
    }

    /** Where one app.collect_cash goes: per PL/pgSQL or SQL function, calls and self time per collection. */
    record ProfileRow(String function, double callsPerCollection, double selfMsPerCollection) {
    }

    record PostingRow(int clerks, long rows, double appRowsPerSecond, double bareRowsPerSecond, double directRowsPerSecond,
                      double writesPerCollection) {
        double share() {
            return appRowsPerSecond / bareRowsPerSecond;
        }

        /** collect_cash against the same rows written directly. */
        double directShare() {
            return appRowsPerSecond / directRowsPerSecond;
        }
    }

    record LatencyRow(String question, int runs, double p50, double p95, double p99, double requestP95) {
    }

    record RefreshRow(String view, long rows, double medianMs, double maxMs) {
    }

    record ReaderRow(String reader, double quietP50, double quietP95, double duringP50, double duringP95, int duringRuns) {
    }

    record Explain(String title, String sql, List<String> plan, int partitionsScanned) {
    }

    record Report(String size, String database, Map<String, Long> rows, String facilityName, String facilityType,
                  Map<String, String> machine, List<RlsRow> rls, double rlsTotalRatio, List<HelperRow> helpers,
                  List<PostingRow> posting, List<ProfileRow> profile, List<String> rlsPlans,
                  List<LatencyRow> latency, List<RefreshRow> refresh, List<ReaderRow> readers, List<Explain> explains,
                  OffsetDateTime at, Duration elapsed, Iterations iterations) {
    }

    // ------------------------------------------------------------------------------------------------

    private final DataGenerator.Target target;
    private final Iterations it;
    private final boolean quiet;

    Benchmarks(DataGenerator.Target target, Iterations iterations, boolean quiet) {
        this.target = target;
        this.it = iterations;
        this.quiet = quiet;
    }

    Report run(String requestedSize) throws Exception {
        String size = requestedSize;
        long start = System.nanoTime();
        Map<String, String> machine = MachineInfo.read(target);
        Map<String, Long> rows = new LinkedHashMap<>();
        String facilityName;
        String facilityType;
        UUID facility;
        UUID postingFacility;
        UUID facilityAdmin;
        UUID superAdmin;
        LocalDate month;
        LocalDate currentMonth;
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            for (String t : List.of("facilities", "patients", "appointments", "bills", "bill_items", "payments",
                    "cash_collections", "receipts", "settlements", "journal_entries", "journal_lines", "audit_log")) {
                try (ResultSet rs = st.executeQuery("select count(*) from " + t)) {
                    rs.next();
                    rows.put(t, rs.getLong(1));
                }
            }
            // the largest facility: the most bills
            try (ResultSet rs = st.executeQuery("""
                    select f.id, f.name, f.type::text from facilities f
                    join (select facility_id, count(*) n from bills group by facility_id) b on b.facility_id = f.id
                    order by b.n desc, f.id limit 1""")) {
                if (!rs.next()) {
                    throw new IllegalStateException("the database holds no bills: generate data first (bench/generate)");
                }
                facility = rs.getObject(1, UUID.class);
                facilityName = rs.getString(2);
                facilityType = rs.getString(3);
            }
            postingFacility = BenchmarkRun.uuid(c, """
                    select f.id from facilities f
                    join (select facility_id, count(*) n from bills group by facility_id) b on b.facility_id = f.id
                    where f.id <> ? and exists (select 1 from services s where s.facility_id = f.id and s.active and s.price_paise > 0)
                      and exists (select 1 from bills x where x.facility_id = f.id and x.status = 'paid')
                    order by b.n, f.id limit 1""", facility);
            // earlier runs of this benchmark wrote their collections into the measured facility before it chose another
            try (PreparedStatement ps = c.prepareStatement("""
                    select count(*) from cash_collections c join staff s on s.id = c.collected_by
                    where s.display_name like 'Benchmark clerk %' and c.facility_id = ?""")) {
                ps.setObject(1, facility, Types.OTHER);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows.put(BenchmarkReport.EARLIER_POSTING, rs.getLong(1));
                }
            }
            facilityAdmin = BenchmarkRun.uuid(c,
                    "select id from users where facility_id = ? and role = 'facility_admin' order by email limit 1", facility);
            superAdmin = BenchmarkRun.uuid(c, "select id from users where role = 'super_admin' order by email limit 1");
            LocalDate today = LocalDate.now(DataGenerator.IST);
            currentMonth = today.withDayOfMonth(1);
            month = currentMonth.minusMonths(1);
            // what the generator recorded: the size and facilities the data was made with
            try (ResultSet rs = st.executeQuery("""
                    select case when to_regclass('bench.run') is not null then
                      (select string_agg(format('%s, %s facilities x %s days, seed %s, first day %s%s',
                                                size, facilities, days, seed, first_day,
                                                case when t.n > 0 then format(', %s templates (facilities %s..%s copied set-based)',
                                                                              t.n, t.n + 1, facilities) else '' end),
                                         '; ')
                       from bench.run r cross join lateral (select coalesce((to_jsonb(r) ->> 'templates')::int, 0) as n) t) end""")) {
                rs.next();
                if (rs.getString(1) != null) {
                    size = rs.getString(1);
                }
            }
            setUpBypassRole(st);
            // the same start for every run: visibility maps and statistics up to date after the generator's (and an
            // earlier run's) writes
            st.execute("vacuum (analyze)");
        }
        BenchmarkRun s = new BenchmarkRun(target, it, quiet, facility, postingFacility, facilityAdmin, superAdmin,
                month, currentMonth);
        s.log("largest facility: %s (%s), %,d bills in the database", facilityName, facilityType, rows.get("bills"));
        try {
            RlsCost rlsCost = new RlsCost(s);
            List<RlsRow> rls = rlsCost.measure();
            double appSum = rls.stream().mapToDouble(RlsRow::appMs).sum();
            double bypassSum = rls.stream().mapToDouble(RlsRow::bypassMs).sum();
            List<HelperRow> helpers = new ContextHelperCost(s).measure();
            List<LatencyRow> latency = new QuestionLatency(s).measure();
            List<Explain> explains = new PartitionPruning(s).measure();
            List<String> views = ViewRefresh.views(s);
            List<RefreshRow> refresh = new ViewRefresh(s, views).measure();
            List<ReaderRow> readers = new ReadersDuringRefresh(s, views).measure();
            List<PostingRow> posting = new PostingCost(s).measure();
            List<ProfileRow> profile = new CollectionProfile(s).measure();
            List<String> rlsPlans = rlsCost.plans();
            return new Report(size, machine.get("database"), rows, facilityName, facilityType, machine, rls,
                    appSum / bypassSum, helpers, posting, profile, rlsPlans, latency, refresh, readers, explains, OffsetDateTime.now(ZoneOffset.UTC),
                    Duration.ofNanos(System.nanoTime() - start), it);
        } finally {
            try (Connection c = target.connect(); Statement st = c.createStatement()) {
                dropBypassRole(st);
            }
        }
    }

    private static void setUpBypassRole(Statement st) throws SQLException {
        st.execute("""
                do $$ begin
                  if not exists (select 1 from pg_roles where rolname = '%s') then
                    create role %s nologin bypassrls;
                  end if;
                end $$""".formatted(BYPASS_ROLE, BYPASS_ROLE));
        st.execute("grant usage on schema public, app to " + BYPASS_ROLE);
        st.execute("grant select on all tables in schema public to " + BYPASS_ROLE);
    }

    private static void dropBypassRole(Statement st) throws SQLException {
        st.execute("""
                do $$ begin
                  if exists (select 1 from pg_roles where rolname = '%s') then
                    execute 'drop owned by %s';
                    execute 'drop role %s';
                  end if;
                end $$""".formatted(BYPASS_ROLE, BYPASS_ROLE, BYPASS_ROLE));
    }

    // ------------------------------------------------------------------------------------------------
    // Command
    // ------------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchOptions.parse(args, Set.of("skip-generate", "quick"), "bench/run");
        if (o.containsKey("help")) {
            System.out.println("""
                    bench/run [--size small|medium|large] [--facilities N] [--templates T] [--skip-generate] [--quick]
                              [--data-dir DIR]                               embedded PostgreSQL (default target/bench-postgres)
                              [--url JDBC_URL --user ROLE [--password P]]    an existing database
                              [--out FILE]                                   default docs/benchmarks.md (large: docs/benchmarks-large.md)
                              [--plan-cache-mode auto|force_custom_plan|force_generic_plan]  both sides' connections""");
            return;
        }
        Size size = Size.named(o.getOrDefault("size", "medium"));
        if (o.containsKey("facilities")) {
            size = size.withFacilities(Integer.parseInt(o.get("facilities")));
        }
        if (o.containsKey("plan-cache-mode")) {
            String mode = o.get("plan-cache-mode");
            if (!List.of("auto", "force_custom_plan", "force_generic_plan").contains(mode)) {
                throw new IllegalArgumentException("--plan-cache-mode is auto, force_custom_plan or force_generic_plan; got " + mode);
            }
            System.setProperty("bench.planCacheMode", mode);
        }
        Iterations iterations = o.containsKey("quick") ? Iterations.SMOKE : Iterations.FULL;
        int templates = Integer.parseInt(o.getOrDefault("templates", String.valueOf(DataGenerator.defaultTemplates(size))));
        Path out = Path.of(o.getOrDefault("out", size.name().equals("large") ? "docs/benchmarks-large.md" : "docs/benchmarks.md"));
        boolean generate = !o.containsKey("skip-generate");
        String command = "bench/run " + String.join(" ", args);
        if (o.containsKey("url")) {
            DataGenerator.Target target = new DataGenerator.Target(o.get("url"), o.getOrDefault("user", "postgres"),
                    o.getOrDefault("password", ""));
            runAndWrite(target, size, templates, generate, iterations, out, command);
            return;
        }
        Path data = Path.of(o.getOrDefault("data-dir", "target/bench-postgres"));
        // the generator's server settings: the data is disposable
        try (LocalPostgres server = LocalPostgres.start(new LocalPostgres.Settings(data, Path.of("target/postgres"), 0,
                Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off", "max_wal_size", "4GB")))) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-postgres-stop"));
            server.prepareDatabase(EmbeddedPostgresAutoConfiguration.DATABASE, EmbeddedPostgresAutoConfiguration.OWNER_ROLE,
                    EmbeddedPostgresAutoConfiguration.rolesScript());
            String url = server.jdbcUrl(EmbeddedPostgresAutoConfiguration.DATABASE);
            DataGenerator.Target target = new DataGenerator.Target(url, LocalPostgres.SUPERUSER, server.password(LocalPostgres.SUPERUSER));
            // an existing data directory is brought to the current schema first, so the run measures this code
            DataGenerator.migrate(url, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE, server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE));
            runAndWrite(target, size, templates, generate, iterations, out, command);
        }
    }

    static boolean isEmpty(DataGenerator.Target target) throws SQLException {
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select to_regclass('public.bills') is null
                         or not exists (select 1 from public.bills)""")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void runAndWrite(DataGenerator.Target target, Size size, int templates, boolean generate,
                                    Iterations iterations, Path out, String command) throws Exception {
        if (generate && isEmpty(target)) {
            System.out.printf("[bench] the database holds no bills: generating the %s size first%n", size.name());
            new DataGenerator(target, size, 20260101L, Math.max(2, Runtime.getRuntime().availableProcessors()), false)
                    .templates(templates, true, 0).run();
        }
        Report report = new Benchmarks(target, iterations, false).run(size.name());
        String text = BenchmarkReport.markdown(report, command.strip());
        // the portal sessions' section is bench/sessions's: carried over as it was
        Files.writeString(out, Files.exists(out) ? SessionReport.keepSection(Files.readString(out), text) : text);
        System.out.println("[bench] written " + out);
    }
}
