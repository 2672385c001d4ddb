package com.careledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;

/**
 * The benchmarks of issue 5 item 7, side by side in one run on the same data, written to docs/benchmarks.md
 * (see bench/README.md "Benchmarks"):
 * <ol>
 * <li>RLS cost: the dashboard and owner's-question queries as the app role under RLS with the signed request
 * context versus the same SQL by a benchmark-only BYPASSRLS role, both with an explicit facility filter;</li>
 * <li>posting cost: {@code app.collect_cash} versus a bare insert of the same row shape, at 1, 4 and 16 clerks;</li>
 * <li>latency p50/p95/p99 of the three questions for the largest facility;</li>
 * <li>materialized view refresh time and reader latency with and without a refresh running;</li>
 * <li>EXPLAIN of single-facility, single-month queries on the partitioned tables.</li>
 * </ol>
 */
public final class Benchmarks {

    static final String APP_ROLE = EmbeddedPostgresAutoConfiguration.APP_ROLE;
    /** The benchmark-only reader: BYPASSRLS, select on every table; made at set-up, dropped at the end. */
    static final String BYPASS_ROLE = "careledger_bench_bypass";
    static final UUID REPORT_REFRESH = UUID.fromString("00000000-0000-4000-8000-000000000002");
    static final int[] CLERK_LEVELS = {1, 4, 16};

    /** How many times to run each thing. */
    record Iterations(int warmup, int rlsRounds, int latencyRuns, int billsPerClerk, int postingRounds,
                      int refreshRuns, int readerRuns) {
        static final Iterations FULL = new Iterations(10, 200, 300, 30, 2, 3, 60);
        static final Iterations SMOKE = new Iterations(1, 3, 5, 2, 1, 1, 4);
    }

    // ------------------------------------------------------------------------------------------------
    // Results
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

    UUID facility;
    /** Where the posting benchmark writes: the facility with the fewest bills, so the measured one stays as generated. */
    UUID postingFacility;
    UUID facilityAdmin;
    UUID superAdmin;
    LocalDate month;
    LocalDate currentMonth;

    Benchmarks(DataGenerator.Target target, Iterations iterations, boolean quiet) {
        this.target = target;
        this.it = iterations;
        this.quiet = quiet;
    }

    Report run(String requestedSize) throws Exception {
        String size = requestedSize;
        long start = System.nanoTime();
        Map<String, String> machine = machine();
        Map<String, Long> rows = new LinkedHashMap<>();
        String facilityName;
        String facilityType;
        try (Connection c = superuser(); Statement st = c.createStatement()) {
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
            postingFacility = uuid(c, """
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
            facilityAdmin = uuid(c, "select id from users where facility_id = ? and role = 'facility_admin' order by email limit 1", facility);
            superAdmin = uuid(c, "select id from users where role = 'super_admin' order by email limit 1");
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
        log("largest facility: %s (%s), %,d bills in the database", facilityName, facilityType, rows.get("bills"));
        try {
            List<RlsRow> rls = rlsCost();
            double appSum = rls.stream().mapToDouble(RlsRow::appMs).sum();
            double bypassSum = rls.stream().mapToDouble(RlsRow::bypassMs).sum();
            List<HelperRow> helpers = helpers();
            List<LatencyRow> latency = latency();
            List<Explain> explains = explains();
            List<RefreshRow> refresh = new ArrayList<>();
            List<ReaderRow> readers = new ArrayList<>();
            refresh(refresh, readers);
            List<PostingRow> posting = posting();
            List<ProfileRow> profile = profile();
            List<String> rlsPlans = rlsPlans();
            return new Report(size, machine.get("database"), rows, facilityName, facilityType, machine, rls,
                    appSum / bypassSum, helpers, posting, profile, rlsPlans, latency, refresh, readers, explains, OffsetDateTime.now(ZoneOffset.UTC),
                    Duration.ofNanos(System.nanoTime() - start), it);
        } finally {
            try (Connection c = superuser(); Statement st = c.createStatement()) {
                dropBypassRole(st);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Set-up
    // ------------------------------------------------------------------------------------------------

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

    Connection superuser() throws SQLException {
        return target.connect();
    }

    private Connection as(String role) throws SQLException {
        Connection c = target.connect();
        try (Statement st = c.createStatement()) {
            st.execute("set role " + role);
            // --plan-cache-mode: the same on both sides (validated in main)
            String mode = System.getProperty("bench.planCacheMode");
            if (mode != null) {
                st.execute("set plan_cache_mode = " + mode);
            }
        }
        c.setAutoCommit(false);
        return c;
    }

    static void context(Connection c, UUID user, UUID tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select app.set_current_user(?), app.set_current_tenant(?)")) {
            ps.setObject(1, user, Types.OTHER);
            ps.setObject(2, tenant, Types.OTHER);
            ps.execute();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // 1. RLS cost
    // ------------------------------------------------------------------------------------------------

    /** A query with :f (the facility), :from and :to (a month) in it. */
    record Query(String name, String sql) {
        String jdbc() {
            return sql.replace(":from", "?").replace(":to", "?").replace(":f", "?");
        }

        void bind(PreparedStatement ps, UUID f, LocalDate from, LocalDate to) throws SQLException {
            int i = 1;
            for (int p = 0; p < sql.length(); p++) {
                if (sql.charAt(p) != ':') {
                    continue;
                }
                if (sql.startsWith(":from", p)) {
                    ps.setDate(i++, Date.valueOf(from));
                } else if (sql.startsWith(":to", p)) {
                    ps.setDate(i++, Date.valueOf(to));
                } else if (sql.startsWith(":f", p)) {
                    ps.setObject(i++, f, Types.OTHER);
                }
            }
        }
    }

    /**
     * The reporting and dashboard queries, written out as plain SQL with the facility filter explicit, so that
     * the app role (under the tables' policies) and the BYPASSRLS role run the same text. The owner's three
     * questions are the bodies of app.commission_pending, app.held_for_platform and
     * app.pending_since_last_settlement (V0080, the last as V0102 rewrote it) for one facility; the summary is the body of
     * reporting_facility_summary (V0090) for one facility.
     */
    static final List<Query> QUERIES = List.of(
            new Query("facility summary (reporting_facility_summary)", """
                    select f.id, f.name, b.bills_count, b.billed_paise, p.captured_paise - p.refunded_paise,
                           c.collected_paise - c.refunded_paise, p.margin_paise - p.fee_reversed_paise,
                           c.commission_paise - c.commission_reversed_paise, r.receivable_paise,
                           p.unsettled_margin_paise, r.receivable_paise + p.unsettled_margin_paise
                    from facilities f
                    cross join lateral (
                      select count(*)::bigint as bills_count, coalesce(sum(x.total_paise), 0)::bigint as billed_paise
                      from bills x where x.facility_id = f.id and x.status in ('issued', 'partially_paid', 'paid')) b
                    cross join lateral (
                      select coalesce(sum(x.amount_paise), 0)::bigint as captured_paise,
                             coalesce(sum(x.refunded_paise), 0)::bigint as refunded_paise,
                             coalesce(sum(x.platform_fee_paise - x.gateway_fee_paise), 0)::bigint as margin_paise,
                             coalesce(sum(x.platform_fee_reversed_paise), 0)::bigint as fee_reversed_paise,
                             coalesce(sum(x.platform_fee_paise - x.platform_fee_reversed_paise - x.gateway_fee_paise)
                                        filter (where x.gateway_settlement_id is null), 0)::bigint as unsettled_margin_paise
                      from payments x where x.facility_id = f.id and x.captured_at is not null) p
                    cross join lateral (
                      select coalesce(sum(x.amount_collected_paise), 0)::bigint as collected_paise,
                             coalesce(sum(x.refunded_paise), 0)::bigint as refunded_paise,
                             coalesce(sum(x.commission_paise), 0)::bigint as commission_paise,
                             coalesce(sum(x.commission_reversed_paise), 0)::bigint as commission_reversed_paise
                      from cash_collections x where x.facility_id = f.id) c
                    cross join lateral (
                      select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint as receivable_paise
                      from journal_lines l where l.facility_id = f.id and l.account = 'facility_receivable') r
                    where f.id = :f"""),
            new Query("commission pending (app.commission_pending)", """
                    select r.balance, coalesce(g.gst, 0), coalesce(rc.recovery, 0), coalesce(m.margin, 0),
                           r.balance + coalesce(m.margin, 0)
                    from (select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint as balance
                          from journal_lines l where l.facility_id = :f and l.account = 'facility_receivable') r
                    cross join (
                      select sum(round((c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.settled_paise)::numeric
                                       * (c.commission_gst_paise - c.commission_gst_reversed_paise)
                                       / nullif(c.commission_paise + c.commission_gst_paise - c.commission_reversed_paise
                                                - c.commission_gst_reversed_paise, 0)))::bigint as gst
                      from cash_collections c
                      where c.facility_id = :f
                        and c.settled_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise) g
                    cross join (
                      select sum(r.recovery_paise - r.settled_paise)::bigint as recovery
                      from payment_refunds r where r.facility_id = :f and r.settled_paise < r.recovery_paise) rc
                    cross join (
                      select sum(p.platform_fee_paise - p.platform_fee_reversed_paise - p.gateway_fee_paise)::bigint as margin
                      from payments p
                      where p.facility_id = :f and p.gateway_settlement_id is null and p.captured_at is not null) m"""),
            new Query("held for platform (app.held_for_platform)", """
                    select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint
                    from journal_lines l where l.facility_id = :f and l.account = 'facility_receivable'"""),
            new Query("pending since last settlement (app.pending_since_last_settlement)", """
                    select s.paid_at,
                           (select coalesce(sum(l.credit_paise - l.debit_paise), 0)::bigint from journal_lines l
                            where l.facility_id = :f and l.account in ('facility_payable', 'facility_receivable')
                              and l.posted_at > s.since),
                           (select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint from journal_lines l
                            where l.facility_id = :f and l.account = 'facility_receivable') * -1
                           - (select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint from journal_lines l
                              where l.facility_id = :f and l.account = 'facility_payable')
                    from (select max(e.posted_at) as paid_at, coalesce(max(e.posted_at), '-infinity') as since from journal_entries e
                          where e.facility_id = :f and e.event_kind = 'settlement_paid') s"""),
            new Query("dashboard: billed per day of a month", """
                    select b.issued_on, count(*), sum(b.total_paise)::bigint from bills b
                    where b.facility_id = :f and b.issued_on >= :from and b.issued_on < :to
                      and b.status in ('issued', 'partially_paid', 'paid')
                    group by b.issued_on order by b.issued_on"""),
            new Query("dashboard: appointments of a month by status", """
                    select a.status, count(*) from appointments a
                    where a.facility_id = :f and a.starts_on >= :from and a.starts_on < :to
                    group by a.status order by a.status"""),
            new Query("dashboard: online payments by method", """
                    select p.method, count(*), sum(p.amount_paise)::bigint from payments p
                    where p.facility_id = :f and p.captured_at is not null
                    group by p.method order by p.method"""));

    List<RlsRow> rlsCost() throws SQLException {
        List<RlsRow> out = new ArrayList<>();
        LocalDate to = month.plusMonths(1);
        try (Connection app = as(APP_ROLE); Connection bypass = as(BYPASS_ROLE)) {
            for (Query q : QUERIES) {
                try (PreparedStatement a = app.prepareStatement(q.jdbc()); PreparedStatement b = bypass.prepareStatement(q.jdbc())) {
                    q.bind(a, facility, month, to);
                    q.bind(b, facility, month, to);
                    // both give the same answer: the policy lets the facility's admin see all of it
                    String answerApp = null;
                    String answerBypass = null;
                    for (int i = 0; i < it.warmup(); i++) {
                        answerApp = runApp(app, a, null);
                        answerBypass = runPlain(bypass, b, null);
                    }
                    if (answerApp != null && !answerApp.equals(answerBypass)) {
                        throw new IllegalStateException(q.name() + ": the app role's answer " + answerApp
                                + " differs from the BYPASSRLS role's " + answerBypass);
                    }
                    double[] ta = new double[it.rlsRounds()];
                    double[] tb = new double[it.rlsRounds()];
                    for (int i = 0; i < it.rlsRounds(); i++) {
                        // A B, then B A: neither side always goes first
                        if (i % 2 == 0) {
                            ta[i] = time(app, a, true);
                            tb[i] = time(bypass, b, false);
                        } else {
                            tb[i] = time(bypass, b, false);
                            ta[i] = time(app, a, true);
                        }
                    }
                    RlsRow row = new RlsRow(q.name(), median(ta), median(tb));
                    log("RLS  %-62s app %8.3f ms  bypass %8.3f ms  %.3f×", q.name(), row.appMs(), row.bypassMs(), row.ratio());
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** What one evaluation of the request context costs: the calls every policy and definer function makes. */
    static final List<String> HELPERS = List.of(
            "select app.request_context_cached()",
            "select app.context_is_signed()", "select app.current_user_id()", "select app.current_user_role()",
            "select app.visible_facilities()", "select app.administered_facilities()",
            "select app.set_current_user(?::uuid), app.set_current_tenant(?::uuid)");

    List<HelperRow> helpers() throws SQLException {
        List<HelperRow> out = new ArrayList<>();
        try (Connection app = as(APP_ROLE)) {
            for (String sql : HELPERS) {
                try (PreparedStatement ps = app.prepareStatement(sql)) {
                    if (sql.contains("?")) {
                        ps.setObject(1, facilityAdmin, Types.OTHER);
                        ps.setObject(2, facility, Types.OTHER);
                    }
                    double[] t = new double[it.rlsRounds()];
                    for (int i = 0; i < it.warmup() + it.rlsRounds(); i++) {
                        double ms = time(app, ps, true);
                        if (i >= it.warmup()) {
                            t[i - it.warmup()] = ms;
                        }
                    }
                    HelperRow row = new HelperRow(sql.replace("?::uuid", "…"), median(t));
                    log("helper %-60s %8.3f ms", row.call(), row.ms());
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** One run as the app: the context set in the transaction (not timed), then the query (timed). */
    private double time(Connection c, PreparedStatement ps, boolean app) throws SQLException {
        long[] t = new long[1];
        if (app) {
            runApp(c, ps, t);
        } else {
            runPlain(c, ps, t);
        }
        return t[0] / 1e6;
    }

    private String runApp(Connection c, PreparedStatement ps, long[] nanos) throws SQLException {
        context(c, facilityAdmin, facility);
        String s = runPlain(c, ps, nanos);
        return s;
    }

    private static String runPlain(Connection c, PreparedStatement ps, long[] nanos) throws SQLException {
        long t0 = System.nanoTime();
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    out.append(rs.getString(i)).append('|');
                }
                out.append('\n');
            }
        }
        if (nanos != null) {
            nanos[0] = System.nanoTime() - t0;
        }
        c.commit();
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------------
    // 3. Latency of the three questions, as the portal asks them
    // ------------------------------------------------------------------------------------------------

    static final List<String> QUESTIONS = List.of(
            "select * from app.commission_pending(?)",
            "select * from app.held_for_platform(?)",
            "select * from app.pending_since_last_settlement(?)");

    List<LatencyRow> latency() throws SQLException {
        List<LatencyRow> out = new ArrayList<>();
        try (Connection app = as(APP_ROLE)) {
            for (String sql : QUESTIONS) {
                try (PreparedStatement ps = app.prepareStatement(sql)) {
                    ps.setObject(1, facility, Types.OTHER);
                    for (int i = 0; i < it.warmup(); i++) {
                        runApp(app, ps, null);
                    }
                    double[] query = new double[it.latencyRuns()];
                    double[] request = new double[it.latencyRuns()];
                    for (int i = 0; i < it.latencyRuns(); i++) {
                        long t0 = System.nanoTime();
                        context(app, facilityAdmin, facility);
                        long[] t = new long[1];
                        String answer = runPlain(app, ps, t);
                        request[i] = (System.nanoTime() - t0) / 1e6;
                        query[i] = t[0] / 1e6;
                        if (answer.isEmpty()) {
                            throw new IllegalStateException(sql + " answered nothing for the facility's admin");
                        }
                    }
                    String name = sql.substring(sql.indexOf("app."), sql.indexOf('(')) ;
                    LatencyRow row = new LatencyRow(name, it.latencyRuns(), percentile(query, 50), percentile(query, 95),
                            percentile(query, 99), percentile(request, 95));
                    log("latency %-36s p50 %7.2f  p95 %7.2f  p99 %7.2f ms (request p95 %7.2f)", name, row.p50(), row.p95(),
                            row.p99(), row.requestP95());
                    out.add(row);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // 4. Materialized views: refresh time, and readers with and without a refresh running
    // ------------------------------------------------------------------------------------------------

    record Reader(String name, String sql, boolean facilityParam) {
    }

    static final List<Reader> READERS = List.of(
            new Reader("app.report_facility_daily_revenue (last 90 days)",
                    "select count(*) from app.report_facility_daily_revenue(current_date - 90, current_date)", false),
            new Reader("app.report_pending_commission", "select count(*) from app.report_pending_commission()", false),
            new Reader("app.report_patient_lifetime_value (top 100)",
                    "select count(*) from app.report_patient_lifetime_value(?, 100)", true),
            new Reader("app.report_category_revenue (last 12 months)",
                    "select count(*) from app.report_category_revenue(current_date - 365, current_date)", false));

    void refresh(List<RefreshRow> refreshRows, List<ReaderRow> readerRows) throws Exception {
        List<String> views = new ArrayList<>();
        try (Connection c = superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select unnest(app.reporting_view_names())")) {
            while (rs.next()) {
                views.add(rs.getString(1));
            }
        }
        try (Connection r = as(APP_ROLE)) {
            // a first refresh of each: the views may never have been filled
            for (String v : views) {
                refreshOnce(r, v);
            }
            for (String v : views) {
                double[] t = new double[it.refreshRuns()];
                long rows = 0;
                for (int i = 0; i < it.refreshRuns(); i++) {
                    long t0 = System.nanoTime();
                    rows = refreshOnce(r, v);
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
                RefreshRow row = new RefreshRow(v, rows, median(t), Arrays.stream(t).max().orElse(0));
                log("refresh %-24s %,9d rows  median %9.1f ms", v, rows, row.medianMs());
                refreshRows.add(row);
            }
        }
        // readers: the facility's admin reads each report, first with nothing else running, then while another
        // connection refreshes every view over and over
        try (Connection app = as(APP_ROLE)) {
            for (Reader reader : READERS) {
                try (PreparedStatement ps = app.prepareStatement(reader.sql())) {
                    if (reader.facilityParam()) {
                        ps.setObject(1, facility, Types.OTHER);
                    }
                    for (int i = 0; i < it.warmup(); i++) {
                        runApp(app, ps, null);
                    }
                    double[] quiet = new double[it.readerRuns()];
                    for (int i = 0; i < it.readerRuns(); i++) {
                        quiet[i] = time(app, ps, true);
                    }
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicBoolean refreshing = new AtomicBoolean();
                    AtomicReference<Exception> failure = new AtomicReference<>();
                    CountDownLatch started = new CountDownLatch(1);
                    Thread refresher = new Thread(() -> {
                        try (Connection r = as(APP_ROLE)) {
                            int k = 0;
                            while (!stop.get()) {
                                refreshing.set(true);
                                started.countDown();
                                refreshOnce(r, views.get(k++ % views.size()));
                            }
                        } catch (Exception e) {
                            failure.set(e);
                            started.countDown();
                        } finally {
                            refreshing.set(false);
                        }
                    }, "bench-refresher");
                    refresher.start();
                    started.await();
                    List<Double> during = new ArrayList<>();
                    for (int i = 0; i < it.readerRuns(); i++) {
                        during.add(time(app, ps, true));
                    }
                    stop.set(true);
                    refresher.join();
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                    double[] d = during.stream().mapToDouble(Double::doubleValue).toArray();
                    ReaderRow row = new ReaderRow(reader.name(), percentile(quiet, 50), percentile(quiet, 95),
                            percentile(d, 50), percentile(d, 95), d.length);
                    log("reader %-50s quiet p50 %7.2f p95 %7.2f | during refresh p50 %7.2f p95 %7.2f ms", reader.name(),
                            row.quietP50(), row.quietP95(), row.duringP50(), row.duringP95());
                    readerRows.add(row);
                }
            }
        }
    }

    /** One refresh of a view as the report-refresh principal, committed; the rows it holds after. */
    private static long refreshOnce(Connection r, String view) throws SQLException {
        context(r, REPORT_REFRESH, null);
        long rows;
        try (PreparedStatement ps = r.prepareStatement("select skipped, rows_count from app.refresh_reporting_view(?)")) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getBoolean(1) ? -1 : rs.getLong(2);
            }
        }
        r.commit();
        return rows;
    }

    // ------------------------------------------------------------------------------------------------
    // 5. EXPLAIN: one facility, one month
    // ------------------------------------------------------------------------------------------------

    List<Explain> explains() throws SQLException {
        List<Explain> out = new ArrayList<>();
        LocalDate nextMonth = month.plusMonths(1);
        LocalDate nextCurrent = currentMonth.plusMonths(1);
        String f = "'" + facility + "'";
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("appointments, " + month.getMonth().toString().toLowerCase(Locale.ROOT) + " " + month.getYear()
                       + " (partitioned by month of starts_on)",
                "select count(*) from appointments where facility_id = " + f + " and starts_on >= date '" + month
                + "' and starts_on < date '" + nextMonth + "'");
        statements.put("settlements, this month (partitioned by month of created_at)",
                "select count(*) from settlements where facility_id = " + f + " and created_at >= timestamptz '"
                + currentMonth + " 00:00+05:30' and created_at < timestamptz '" + nextCurrent + " 00:00+05:30'");
        statements.put("audit_log, this month (partitioned by month of occurred_at)",
                "select count(*) from audit_log where facility_id = " + f + " and occurred_at >= timestamptz '"
                + currentMonth + " 00:00+05:30' and occurred_at < timestamptz '" + nextCurrent + " 00:00+05:30'");
        try (Connection c = as(APP_ROLE)) {
            for (Map.Entry<String, String> e : statements.entrySet()) {
                context(c, superAdmin, facility);
                List<String> plan = new ArrayList<>();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("explain (analyze, costs off, timing off, summary off) " + e.getValue())) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
                c.commit();
                int scans = partitionScans(plan);
                out.add(new Explain(e.getKey(), e.getValue(), plan, scans));
                log("explain %s: %d partition scan(s)", e.getKey(), scans);
            }
        }
        return out;
    }

    /** The tables read by a plan's scan nodes (a bitmap index scan is part of its heap scan, not another read). */
    static int partitionScans(List<String> plan) {
        return (int) plan.stream()
                .filter(l -> l.matches("\\s*(->\\s*)?(Parallel )?(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)( using \\S+)? on .*"))
                .filter(l -> !l.contains("never executed"))
                .count();
    }

    // ------------------------------------------------------------------------------------------------
    // 2. Posting cost
    // ------------------------------------------------------------------------------------------------

    List<PostingRow> posting() throws Exception {
        int maxClerks = Arrays.stream(CLERK_LEVELS).max().orElseThrow();
        List<UUID> clerks = new ArrayList<>();
        UUID patient;
        UUID service;
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("create schema if not exists bench");
            st.execute("create table if not exists bench.bare_cash_collections (like public.cash_collections including defaults)");
            patient = uuid(c, "select patient_id from bills where facility_id = ? and status = 'paid' order by id limit 1", postingFacility);
            service = uuid(c, """
                    select s.id from services s where s.facility_id = ? and s.active and s.price_paise > 0
                    order by s.price_paise, s.id limit 1""", postingFacility);
            // the benchmark's clerks at the posting facility, the same ones every run: sign-ins that cannot sign in
            c.setAutoCommit(false);
            st.execute("set local role careledger_definer");
            for (int i = 0; i < maxClerks; i++) {
                UUID user = UUID.nameUUIDFromBytes(("bench-clerk-" + postingFacility + "-" + i).getBytes());
                exec(c, """
                        insert into users (id, email, display_name, password_hash, role, facility_id)
                        values (?, ?, ?, '!', 'staff', ?) on conflict do nothing""",
                        user, "bench-clerk-" + i + "-" + postingFacility.toString().substring(0, 8) + "@bench.careledger.test",
                        "Benchmark clerk " + (i + 1), postingFacility);
                exec(c, """
                        insert into staff (facility_id, user_id, kind, display_name)
                        select ?, ?, 'billing', ? where not exists (select 1 from staff where facility_id = ? and user_id = ?)""",
                        postingFacility, user, "Benchmark clerk " + (i + 1), postingFacility, user);
                clerks.add(user);
            }
            c.commit();
            c.setAutoCommit(true);
            // a shift left open by an interrupted run
            st.execute("set role " + APP_ROLE);
        }
        closeOpenShifts(clerks);
        List<PostingRow> out = new ArrayList<>();
        for (int level : CLERK_LEVELS) {
            double[] app = new double[it.postingRounds()];
            double[] bare = new double[it.postingRounds()];
            double[] direct = new double[it.postingRounds()];
            double[] writesPer = new double[it.postingRounds()];
            long rows = (long) level * it.billsPerClerk();
            for (int round = 0; round < it.postingRounds(); round++) {
                List<List<Bill>> bills = new ArrayList<>();
                for (int k = 0; k < level; k++) {
                    bills.add(prepareBills(clerks.get(k), patient, service, it.billsPerClerk()));
                }
                app[round] = rows / postApp(clerks.subList(0, level), bills);
                bare[round] = rows / postBare(clerks.subList(0, level), bills);
                List<List<WriteSet>> writes = writeSets(bills);
                writesPer[round] = writes.stream().flatMap(List::stream).mapToInt(WriteSet::rows).average().orElse(0);
                direct[round] = rows / postDirect(writes);
            }
            PostingRow row = new PostingRow(level, rows, median(app), median(bare), median(direct), median(writesPer));
            log("posting %2d clerk(s): collect_cash %8.1f rows/s  bare insert %8.1f rows/s  %.1f %%  same %.1f writes direct %8.1f/s  %.1f %%",
                    level, row.appRowsPerSecond(), row.bareRowsPerSecond(), 100 * row.share(), row.writesPerCollection(),
                    row.directRowsPerSecond(), 100 * row.directShare());
            out.add(row);
        }
        return out;
    }

    record Bill(UUID id, long totalPaise, UUID patient) {
    }

    /** Issued bills of one line for a clerk, made before the clock starts (as the clerk, committed). */
    private List<Bill> prepareBills(UUID clerk, UUID patient, UUID service, int n) throws SQLException {
        List<Bill> out = new ArrayList<>();
        try (Connection c = as(APP_ROLE)) {
            context(c, clerk, postingFacility);
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into bills (facility_id, patient_id) select ?, ? from generate_series(1, ?) returning id""")) {
                ps.setObject(1, postingFacility, Types.OTHER);
                ps.setObject(2, patient, Types.OTHER);
                ps.setInt(3, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into bill_items (facility_id, bill_id, service_id, quantity)
                    select ?, b, ?, 1 from unnest(?::uuid[]) b""")) {
                ps.setObject(1, postingFacility, Types.OTHER);
                ps.setObject(2, service, Types.OTHER);
                ps.setArray(3, c.createArrayOf("uuid", ids.toArray()));
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select b.id, b.total_paise, b.patient_id, app.issue_bill(b.id) from unnest(?::uuid[]) u(id)
                    join bills b on b.id = u.id""")) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Bill(rs.getObject(1, UUID.class), 0, rs.getObject(3, UUID.class)));
                    }
                }
            }
            c.commit();
            // totals after issue
            List<Bill> withTotals = new ArrayList<>();
            context(c, clerk, postingFacility);
            try (PreparedStatement ps = c.prepareStatement("select total_paise from bills where id = ?")) {
                for (Bill b : out) {
                    ps.setObject(1, b.id(), Types.OTHER);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        withTotals.add(new Bill(b.id(), rs.getLong(1), b.patient()));
                    }
                }
            }
            c.commit();
            return withTotals;
        }
    }

    /** Each clerk on its own connection collects its bills, one request (transaction) each; seconds for all. */
    private double postApp(List<UUID> clerks, List<List<Bill>> bills) throws Exception {
        int n = clerks.size();
        List<Connection> connections = new ArrayList<>();
        List<UUID> shifts = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Connection c = as(APP_ROLE);
                connections.add(c);
                context(c, clerks.get(k), postingFacility);
                shifts.add(uuid(c, "select app.open_shift(0)"));
                c.commit();
            }
            double seconds = parallel(n, k -> {
                Connection c = connections.get(k);
                try (PreparedStatement ctx = c.prepareStatement("select app.set_current_user(?), app.set_current_tenant(?)");
                     PreparedStatement ps = c.prepareStatement("select app.collect_cash(?, ?, ?)")) {
                    int i = 0;
                    for (Bill b : bills.get(k)) {
                        ctx.setObject(1, clerks.get(k), Types.OTHER);
                        ctx.setObject(2, postingFacility, Types.OTHER);
                        ctx.execute();
                        ps.setObject(1, b.id(), Types.OTHER);
                        ps.setLong(2, b.totalPaise());
                        ps.setString(3, "bench-" + b.id() + "-" + i++);
                        ps.execute();
                        c.commit();
                    }
                }
                return null;
            });
            for (int k = 0; k < n; k++) {
                Connection c = connections.get(k);
                context(c, clerks.get(k), postingFacility);
                long counted = bills.get(k).stream().mapToLong(Bill::totalPaise).sum();
                exec(c, "select app.close_shift(?, ?)", shifts.get(k), counted);
                c.commit();
            }
            return seconds;
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** The same rows, inserted bare into a copy of the table without triggers, policies or indexes. */
    private double postBare(List<UUID> clerks, List<List<Bill>> bills) throws Exception {
        int n = clerks.size();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Connection c = superuser();
                connections.add(c);
            }
            return parallel(n, k -> {
                Connection c = connections.get(k);
                UUID shift = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into bench.bare_cash_collections (facility_id, bill_id, patient_id, shift_id, collected_by,
                            amount_collected_paise, configuration_effective_from, commission_type, commission_rate,
                            commission_fixed_paise, gst_rate, commission_paise, commission_gst_paise, idempotency_key,
                            journal_entry_id, created_by)
                        values (?, ?, ?, ?, ?, ?, now(), 'percentage', 0.02, null, 0.18, ?, ?, ?, ?, ?)""")) {
                    int i = 0;
                    for (Bill b : bills.get(k)) {
                        long commission = Math.round(b.totalPaise() * 0.02);
                        ps.setObject(1, postingFacility, Types.OTHER);
                        ps.setObject(2, b.id(), Types.OTHER);
                        ps.setObject(3, b.patient(), Types.OTHER);
                        ps.setObject(4, shift, Types.OTHER);
                        ps.setObject(5, clerks.get(k), Types.OTHER);
                        ps.setLong(6, b.totalPaise());
                        ps.setLong(7, commission);
                        ps.setLong(8, Math.round(commission * 0.18));
                        ps.setString(9, "bench-" + b.id() + "-" + i++);
                        ps.setObject(10, UUID.randomUUID(), Types.OTHER);
                        ps.setObject(11, clerks.get(k), Types.OTHER);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** What one collection wrote: rows inserted per table (JSON arrays), and rows updated (before and after). */
    record WriteSet(Map<String, String> inserts, List<String[]> updates, int rows) {
    }

    /** The tables a collection writes, as copies in schema bench: the same columns, constraints and indexes. */
    private final Map<String, String> directUpdates = new LinkedHashMap<>();

    /**
     * The rows each collection of the round wrote, read back after it: the collection, its journal entry and lines,
     * its receipt, its audit rows, and from those the rows it updated (bill, receipt counter) before and after.
     */
    private List<List<WriteSet>> writeSets(List<List<Bill>> bills) throws SQLException {
        List<List<WriteSet>> out = new ArrayList<>();
        try (Connection c = superuser(); PreparedStatement ps = c.prepareStatement("""
                with c as (select * from cash_collections where facility_id = ? and bill_id = ?),
                x as (select a.transaction_id, a.occurred_at from audit_log a, c
                      where a.facility_id = c.facility_id and a.occurred_at >= c.collected_at
                        and a.occurred_at < c.collected_at + interval '10 minutes'
                        and a.row_key @> jsonb_build_object('id', c.id) and a.operation = 'INSERT'),
                a as (select a.* from audit_log a, c, x
                      where a.facility_id = c.facility_id and a.occurred_at >= c.collected_at
                        and a.occurred_at < c.collected_at + interval '10 minutes' and a.transaction_id = x.transaction_id)
                , w as (select 1 as n, (select jsonb_agg(to_jsonb(c)) from c) as rows
                        union all select 2, (select jsonb_agg(to_jsonb(e)) from journal_entries e, c where e.facility_id = c.facility_id and e.id = c.journal_entry_id)
                        union all select 3, (select jsonb_agg(to_jsonb(l)) from journal_lines l, c where l.facility_id = c.facility_id and l.entry_id = c.journal_entry_id)
                        union all select 4, (select jsonb_agg(to_jsonb(r)) from receipts r, c where r.facility_id = c.facility_id and r.cash_collection_id = c.id)
                        union all select 5, (select jsonb_agg(to_jsonb(a)) from a)),
                u as (select coalesce(pg_partition_root(a.table_name::regclass), a.table_name::regclass)::text as root, a.old_values, a.new_values
                      from a where a.operation = 'UPDATE')
                select (select array_agg(w.rows::text order by w.n) from w),
                       (select sum(jsonb_array_length(w.rows)) from w)::int + (select count(*) from u)::int,
                       (select array_agg(u.root) from u), (select array_agg(u.old_values::text) from u), (select array_agg(u.new_values::text) from u)""")) {
            for (List<Bill> clerkBills : bills) {
                List<WriteSet> sets = new ArrayList<>();
                for (Bill b : clerkBills) {
                    ps.setObject(1, postingFacility, Types.OTHER);
                    ps.setObject(2, b.id(), Types.OTHER);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        Map<String, String> inserts = new LinkedHashMap<>();
                        String[] tables = {"cash_collections", "journal_entries", "journal_lines", "receipts", "audit_log"};
                        String[] rowsOf = (String[]) rs.getArray(1).getArray();
                        for (int i = 0; i < tables.length; i++) {
                            if (rowsOf[i] == null) {
                                throw new IllegalStateException("no " + tables[i] + " rows for the collection of bill " + b.id());
                            }
                            inserts.put(tables[i], rowsOf[i]);
                        }
                        int rows = rs.getInt(2);
                        List<String[]> updates = new ArrayList<>();
                        if (rs.getArray(3) != null) {
                            String[] roots = (String[]) rs.getArray(3).getArray();
                            String[] before = (String[]) rs.getArray(4).getArray();
                            String[] after = (String[]) rs.getArray(5).getArray();
                            for (int i = 0; i < roots.length; i++) {
                                updates.add(new String[] {roots[i], before[i], after[i]});
                            }
                        }
                        sets.add(new WriteSet(inserts, updates, rows));
                    }
                }
                out.add(sets);
            }
        }
        return out;
    }

    /**
     * The same rows written directly, one transaction per collection as in collect_cash: inserted into copies of
     * their tables in schema bench (made with {@code like ... including all}: columns, defaults, check constraints and
     * indexes, without triggers, policies or foreign keys), and the bill and receipt counter updated from their state
     * before to their state after. The copies start empty each round (the rows to update are put in first, off the
     * clock); each clerk is a thread with its own connection, as in postApp. Seconds for all.
     */
    private double postDirect(List<List<WriteSet>> writes) throws Exception {
        Set<String> tables = new LinkedHashSet<>(List.of("cash_collections", "journal_entries", "journal_lines", "receipts", "audit_log"));
        writes.stream().flatMap(List::stream).flatMap(w -> w.updates().stream()).forEach(u -> tables.add(u[0]));
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            for (String t : tables) {
                st.execute("create table if not exists bench.direct_%1$s (like public.%1$s including all excluding identity excluding generated)"
                        .formatted(t));
                st.execute("truncate bench.direct_" + t);
                directUpdates.computeIfAbsent(t, x -> {
                    try {
                        return updateStatement(c, x);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            // the rows to update, as they were before the round's first change to each
            for (List<WriteSet> clerk : writes) {
                for (WriteSet w : clerk) {
                    for (String[] u : w.updates()) {
                        exec(c, "insert into bench.direct_%1$s select * from jsonb_populate_record(null::bench.direct_%1$s, ?::jsonb) on conflict do nothing"
                                .formatted(u[0]), u[1]);
                    }
                }
            }
        }
        int n = writes.size();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Connection c = superuser();
                c.setAutoCommit(false);
                connections.add(c);
            }
            return parallel(n, k -> {
                Connection c = connections.get(k);
                Map<String, PreparedStatement> inserts = new LinkedHashMap<>();
                Map<String, PreparedStatement> updates = new LinkedHashMap<>();
                try {
                    for (WriteSet w : writes.get(k)) {
                        for (Map.Entry<String, String> e : w.inserts().entrySet()) {
                            PreparedStatement ps = inserts.get(e.getKey());
                            if (ps == null) {
                                ps = c.prepareStatement("insert into bench.direct_%1$s select * from jsonb_populate_recordset(null::bench.direct_%1$s, ?::jsonb)"
                                        .formatted(e.getKey()));
                                inserts.put(e.getKey(), ps);
                            }
                            ps.setString(1, e.getValue());
                            ps.executeUpdate();
                        }
                        for (String[] u : w.updates()) {
                            PreparedStatement ps = updates.get(u[0]);
                            if (ps == null) {
                                ps = c.prepareStatement(directUpdates.get(u[0]));
                                updates.put(u[0], ps);
                            }
                            ps.setString(1, u[2]);
                            ps.executeUpdate();
                        }
                        c.commit();
                    }
                } finally {
                    for (PreparedStatement ps : inserts.values()) {
                        ps.close();
                    }
                    for (PreparedStatement ps : updates.values()) {
                        ps.close();
                    }
                }
                return null;
            });
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** update bench.direct_T: every column but the primary key from the JSON row, found by its primary key. */
    private static String updateStatement(Connection c, String table) throws SQLException {
        List<String> keys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select a.attname, a.attnum = any (coalesce((select k.conkey from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'p'), '{}'))
                from pg_attribute a where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum""")) {
            ps.setString(1, "public." + table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (rs.getBoolean(2) ? keys : others).add(rs.getString(1));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(table + " has no primary key");
        }
        return "update bench.direct_%s t set %s from jsonb_populate_record(null::bench.direct_%s, ?::jsonb) r where %s".formatted(table,
                String.join(", ", others.stream().map(x -> "\"" + x + "\" = r.\"" + x + "\"").toList()), table,
                String.join(" and ", keys.stream().map(x -> "t.\"" + x + "\" = r.\"" + x + "\"").toList()));
    }

    /**
     * After the measurement, with function tracking on (not during it: tracking costs time): one clerk collects
     * a few bills, and the statistics say which functions the calls went to.
     */
    List<ProfileRow> profile() throws Exception {
        UUID clerk;
        UUID patient;
        UUID service;
        try (Connection c = superuser()) {
            clerk = UUID.nameUUIDFromBytes(("bench-clerk-" + postingFacility + "-0").getBytes());
            patient = uuid(c, "select patient_id from bills where facility_id = ? and status = 'paid' order by id limit 1", postingFacility);
            service = uuid(c, """
                    select s.id from services s where s.facility_id = ? and s.active and s.price_paise > 0
                    order by s.price_paise, s.id limit 1""", postingFacility);
        }
        int n = Math.max(2, it.billsPerClerk() / 2);
        List<Bill> bills = prepareBills(clerk, patient, service, n);
        Map<String, double[]> before = functionStats();
        try (Connection c = target.connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("set track_functions = 'all'");
                st.execute("set role " + APP_ROLE);
            }
            c.setAutoCommit(false);
            context(c, clerk, postingFacility);
            UUID shift = uuid(c, "select app.open_shift(0)");
            c.commit();
            int i = 0;
            for (Bill b : bills) {
                context(c, clerk, postingFacility);
                exec(c, "select app.collect_cash(?, ?, ?)", b.id(), b.totalPaise(), "bench-profile-" + b.id() + "-" + i++);
                c.commit();
            }
            context(c, clerk, postingFacility);
            exec(c, "select app.close_shift(?, ?)", shift, bills.stream().mapToLong(Bill::totalPaise).sum());
            c.commit();
            try (Statement st = c.createStatement()) {
                st.execute("select pg_stat_force_next_flush()");
            }
            c.commit();
        }
        // the flush happens when the session goes idle after its transaction; wait for it to show
        Map<String, double[]> after = functionStats();
        for (int tries = 0; tries < 50 && after.equals(before); tries++) {
            Thread.sleep(100);
            after = functionStats();
        }
        List<ProfileRow> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : after.entrySet()) {
            double[] b = before.getOrDefault(e.getKey(), new double[2]);
            double calls = e.getValue()[0] - b[0];
            double self = e.getValue()[1] - b[1];
            if (calls > 0) {
                out.add(new ProfileRow(e.getKey(), calls / n, self / n));
            }
        }
        out.sort((x, y) -> Double.compare(y.selfMsPerCollection(), x.selfMsPerCollection()));
        // open_shift, close_shift and set_current_* are not part of a collection's own cost
        return out.stream().limit(15).toList();
    }

    private Map<String, double[]> functionStats() throws SQLException {
        Map<String, double[]> out = new LinkedHashMap<>();
        try (Connection c = superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select schemaname || '.' || funcname || '(' || pg_get_function_identity_arguments(funcid) || ')',
                            calls, self_time from pg_stat_user_functions""")) {
            while (rs.next()) {
                out.put(rs.getString(1), new double[] {rs.getLong(2), rs.getDouble(3)});
            }
        }
        return out;
    }

    /** EXPLAIN ANALYZE of the commission-pending question on both sides: where the app role's extra time goes. */
    List<String> rlsPlans() throws SQLException {
        Query q = QUERIES.get(1);
        String sql = "explain (analyze, costs off, summary on) " + q.sql().replace(":f", "'" + facility + "'");
        List<String> out = new ArrayList<>();
        for (boolean app : new boolean[] {true, false}) {
            try (Connection c = as(app ? APP_ROLE : BYPASS_ROLE)) {
                out.add(app ? "-- careledger_app, facility admin's context" : "-- " + BYPASS_ROLE + " (BYPASSRLS)");
                for (int i = 0; i < 2; i++) {
                    if (app) {
                        context(c, facilityAdmin, facility);
                    }
                    List<String> plan = new ArrayList<>();
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            plan.add(rs.getString(1));
                        }
                    }
                    c.commit();
                    if (i == 1) {
                        out.addAll(plan);
                    }
                }
            }
        }
        return out;
    }

    interface Work {
        Object run(int k) throws Exception;
    }

    /** n threads start together; seconds from the start until the last one finishes. */
    private static double parallel(int n, Work work) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(n + 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int kk = k;
            Thread t = new Thread(() -> {
                try {
                    barrier.await();
                    work.run(kk);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-clerk-" + k);
            t.start();
            threads.add(t);
        }
        barrier.await();
        long t0 = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            throw failure.get();
        }
        return seconds;
    }

    private void closeOpenShifts(List<UUID> clerks) throws SQLException {
        try (Connection c = as(APP_ROLE)) {
            for (UUID clerk : clerks) {
                context(c, clerk, postingFacility);
                try (PreparedStatement ps = c.prepareStatement("""
                        select s.id, s.opening_float_paise + coalesce((select sum(x.amount_collected_paise) from cash_collections x
                                                                        where x.shift_id = s.id), 0)
                        from cashier_shifts s join staff st on st.id = s.staff_id
                        where st.user_id = ? and s.status = 'open'""")) {
                    ps.setObject(1, clerk, Types.OTHER);
                    List<Object[]> open = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            open.add(new Object[] {rs.getObject(1), rs.getLong(2)});
                        }
                    }
                    for (Object[] s : open) {
                        exec(c, "select app.close_shift(?, ?)", s[0], s[1]);
                    }
                }
                c.commit();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.execute();
        }
    }

    private static UUID uuid(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row: " + sql.strip());
                }
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof UUID u) {
                ps.setObject(i + 1, u, Types.OTHER);
            } else {
                ps.setObject(i + 1, params[i]);
            }
        }
    }

    static double median(double[] values) {
        return percentile(values, 50);
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    private Map<String, String> machine() throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", readFirst(Path.of("/proc/cpuinfo"), "model name", l -> l.substring(l.indexOf(':') + 1).strip(),
                System.getProperty("os.arch")));
        m.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("ram", readFirst(Path.of("/proc/meminfo"), "MemTotal", l -> {
            long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
            return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
        }, "unknown"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select version(), current_database()")) {
                rs.next();
                m.put("postgresql", rs.getString(1));
                m.put("database", rs.getString(2));
            }
            List<String> settings = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    select name, setting || coalesce(unit, '') from pg_settings
                    where name in ('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'full_page_writes', 'jit', 'max_connections')
                    order by name""")) {
                while (rs.next()) {
                    settings.add(rs.getString(1) + "=" + rs.getString(2));
                }
            }
            m.put("settings", String.join(", ", settings));
        }
        String load = readFirst(Path.of("/proc/loadavg"), "", l -> l.substring(0, Math.min(l.length(), 14)).strip(), "unknown");
        m.put("load at start", load);
        return m;
    }

    private static String readFirst(Path file, String prefix, Function<String, String> f, String fallback) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(prefix)) {
                    return f.apply(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
        return fallback;
    }

    private void log(String format, Object... args) {
        if (!quiet) {
            System.out.printf("[bench] " + format + "%n", args);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Command
    // ------------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + "; see bench/README.md");
            }
            String key = a.substring(2);
            if (key.equals("skip-generate") || key.equals("help") || key.equals("quick")) {
                o.put(key, "true");
            } else {
                o.put(key, args[++i]);
            }
        }
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
            DataGenerator.Target target = new DataGenerator.Target(url, LocalPostgres.SUPERUSER, "");
            // an existing data directory is brought to the current schema first, so the run measures this code
            DataGenerator.migrate(url, EmbeddedPostgresAutoConfiguration.OWNER_ROLE, "");
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
        Files.writeString(out, BenchmarkReport.markdown(report, command.strip()));
        System.out.println("[bench] written " + out);
    }
}
