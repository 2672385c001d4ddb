package com.careledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;
import org.flywaydb.core.Flyway;

/**
 * The benchmark data generator: N facilities of all seven types with patients, services and products,
 * appointments over two years, issued bills, online payments across methods and gateways, cash collections in
 * cashier shifts, gateway settlement batches and, when their functions exist, online and cash refunds and platform
 * settlements. Every money row goes through the SQL functions the portal calls ({@code app.capture_payment},
 * {@code app.open_shift}, {@code app.collect_cash}, {@code app.close_shift}, {@code app.record_gateway_settlement},
 * {@code app.refund_payment}, {@code app.refund_cash}, {@code app.create_settlement} ...), as the app role with a
 * signed request context, so triggers, the ledger and the audit log run as they do for the portal. See
 * bench/README.md for the choices.
 *
 * <p>This class is the command and the run: one worker per connection, one facility at a time per worker
 * ({@link FacilityWorker}, with a writer per kind of row), one transaction per simulated day; each day's
 * transaction also records the day in {@code bench.facility_progress}, so a rerun continues where the last one
 * stopped. With templates, the facilities after them are then copied set-based ({@link FacilityCopies}).
 */
public final class DataGenerator {

    static final ZoneId IST = ZoneId.of("Asia/Kolkata");
    static final String APP_ROLE = EmbeddedPostgresAutoConfiguration.APP_ROLE;

    /** Where to write: a JDBC URL and a login that may SET ROLE to careledger_app and careledger_definer. */
    public record Target(String url, String user, String password) {
        Connection connect() throws SQLException {
            BenchProofs.register(this);
            return DriverManager.getConnection(url, user, password);
        }
    }

    /** What a run did: facility-days done now, and the rows the database holds afterwards. */
    public record Result(Map<String, Long> rows, long plannedAppointments, long plannedBills, long plannedPayments,
                         long plannedCollections, long trialBalance, long unbalancedFacilities, Set<String> skipped,
                         Duration elapsed) {
        long moneyRows() {
            return MONEY_TABLES.stream().mapToLong(t -> rows.getOrDefault(t, 0L)).sum();
        }
    }

    /** Rows that are money: bills and what pays, refunds or settles them, and the ledger. */
    static final List<String> MONEY_TABLES = List.of("bills", "bill_items", "payments", "receipts", "cash_collections",
            "cashier_shifts", "payment_refunds", "cash_refunds", "gateway_settlements", "gateway_settlement_facilities",
            "settlements", "settlement_allocations", "journal_entries", "journal_lines");

    private final Target target;
    private final Size size;
    private final long seed;
    private final int workers;
    private final BenchLog log;
    private final GenerationProgress progress;
    private final SkippedSteps skipped = new SkippedSteps();
    private int templates;
    private boolean cloning = true;
    private int firstFacility;

    public DataGenerator(Target target, Size size, long seed, int workers, boolean quiet) {
        this.target = target;
        this.size = size;
        this.seed = seed;
        this.workers = Math.max(1, workers);
        this.log = new BenchLog(quiet);
        this.progress = new GenerationProgress(target, log);
    }

    /**
     * Medium and large: two templates of each type (14), so the terms that vary by facility number vary among them
     * too, and the other facilities are copies (56 of medium's 70, 986 of large's 1,000; see bench/README.md). A run of
     * 14 facilities or fewer, and the small size, go through the functions alone.
     */
    static int defaultTemplates(Size size) {
        return size.name().equals("small") || size.facilities() <= 14 ? 0 : 14;
    }

    /**
     * Templates: facility number k (0-based here) is planned as facility {@code k mod templates}, which has its
     * type; with {@code clone} the facilities from {@code templates} on are copied set-based from their template
     * (FacilityClone) instead of run through the functions. {@code firstFacility} (0-based) skips the facilities
     * before it: for the test that makes some of them through the functions in a database of their own.
     */
    DataGenerator templates(int templates, boolean clone, int firstFacility) {
        if (templates < 0 || templates % Catalogue.TYPES.size() != 0) {
            throw new IllegalArgumentException("--templates must be a multiple of " + Catalogue.TYPES.size()
                                               + " (the facility types), so a template has the facility's type; got " + templates);
        }
        this.templates = templates;
        this.cloning = clone;
        this.firstFacility = firstFacility;
        return this;
    }

    /** The facility whose plan facility {@code no} follows. */
    int planOf(int no) {
        return templates > 0 ? no % templates : no;
    }

    private boolean cloned(int no) {
        return cloning && templates > 0 && no >= templates;
    }

    // ------------------------------------------------------------------------------------------------
    // The run
    // ------------------------------------------------------------------------------------------------

    public Result run() throws Exception {
        long started = System.nanoTime();
        GeneratorRun run;
        try (Connection admin = target.connect()) {
            run = GeneratorRun.prepare(admin, size, seed, templates);
        }
        long functionFacilities = IntStream.range(firstFacility, size.facilities()).filter(f -> !cloned(f)).count();
        long totalDays = functionFacilities * size.days();
        Map<Integer, Integer> done = GenerationProgress.lastDays(target);
        progress.setFacilityDaysDone(done.entrySet().stream().filter(e -> !cloned(e.getKey())).mapToLong(e -> e.getValue() + 1).sum());
        log.log("generating %s: %d facilities x %d days from %s, seed %d, %d workers%s; payment orders %s, refunds %s, settlements %s%s",
                size.name(), size.facilities(), size.days(), run.firstDay(), seed, workers,
                templates == 0 ? "" : ", %d templates (%s)".formatted(templates,
                        cloning ? "facilities " + (templates + 1) + ".." + size.facilities() + " copied set-based" : "all through the functions"),
                run.paymentOrders() ? "on" : "skipped (functions absent)",
                run.refunds() ? "on" : "skipped (functions absent)", run.settlements() ? "on" : "skipped (functions absent)",
                done.isEmpty() ? "" : "; resuming, " + progress.facilityDaysDone() + " facility-days already done");

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long baseline = progress.moneyRowsInserted();
        long tickStart = System.nanoTime();
        long doneAtStart = progress.facilityDaysDone();
        ticker.scheduleAtFixedRate(() -> progress.report(totalDays, baseline, tickStart, doneAtStart), 2, 2, TimeUnit.SECONDS);

        ExecutorService pool = Executors.newFixedThreadPool(workers);
        ThreadLocal<Connection> connections = new ThreadLocal<>();
        List<Connection> opened = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int f = firstFacility; f < size.facilities(); f++) {
                if (cloned(f)) {
                    continue;
                }
                int facility = f;
                int from = done.getOrDefault(f, -2) + 1;
                if (from >= size.days()) {
                    continue;
                }
                jobs.add(pool.submit(() -> {
                    Connection c = connections.get();
                    if (c == null) {
                        c = workerConnection();
                        connections.set(c);
                        opened.add(c);
                    }
                    new FacilityWorker(c, run, facility, planOf(facility), progress, skipped).run(from);
                    return null;
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdownNow();
            ticker.shutdownNow();
            for (Connection c : opened) {
                c.close();
            }
        }
        progress.report(totalDays, baseline, tickStart, doneAtStart);
        if (cloning && templates > 0 && size.facilities() > templates) {
            new FacilityCopies(target, size, seed, templates, firstFacility, workers, this::planOf, log).run();
        }
        StatementProfile.print(log);
        finish(run);
        Result result = summary(run, Duration.ofNanos(System.nanoTime() - started));
        skipped.print(log);
        return result;
    }

    private Connection workerConnection() throws SQLException {
        Connection c = target.connect();
        try (Statement st = c.createStatement()) {
            st.execute("set role " + APP_ROLE);
            st.execute("set synchronous_commit = off");
            // statements here are small; compiling a plan with JIT would cost more than running it
            st.execute("set jit = off");
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Appointments of the past months move out of the default partition; statistics for the planner. */
    private void finish(GeneratorRun run) throws SQLException {
        try (Connection c = workerConnection(); Statement st = c.createStatement()) {
            WorkerSql.context(c, run.superAdmin(), null);
            long start = System.nanoTime();
            st.execute("select count(*) from app.maintain_partitions(null)");
            c.commit();
            log.log("partition upkeep: %.1f s", (System.nanoTime() - start) / 1e9);
        }
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            st.execute("analyze");
        }
    }

    private Result summary(GeneratorRun run, Duration elapsed) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        long balance;
        long unbalanced;
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            for (String table : List.of("facilities", "users", "staff", "patients", "health_cards", "services", "products",
                    "appointments", "bills", "bill_items", "payments", "receipts", "cash_collections", "cashier_shifts",
                    "payment_refunds", "cash_refunds", "gateway_settlements", "gateway_settlement_facilities",
                    "settlements", "settlement_allocations", "journal_entries", "journal_lines")) {
                try (ResultSet rs = st.executeQuery("select count(*) from " + table + " t where " + generated(table))) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                } catch (SQLException absent) {
                    // a table whose migration is not there yet (settlements before they land)
                }
            }
            try (ResultSet rs = st.executeQuery("""
                    select coalesce(sum(balance_paise), 0),
                           (select count(*) from bench.facility_progress p
                            where (select coalesce(sum(balance_paise), 0) from app.trial_balance(p.facility_id)) <> 0)
                    from app.trial_balance(null)""")) {
                rs.next();
                balance = rs.getLong(1);
                unbalanced = rs.getLong(2);
            }
        }
        long[] planned = plannedCounts(run.firstDay());
        Result result = new Result(rows, planned[0], planned[1], planned[2], planned[3], balance, unbalanced,
                skipped.steps(), elapsed);
        log.log("done in %s: %,d money rows (%s)", GenerationProgress.human(elapsed), result.moneyRows(),
                String.join(", ", rows.entrySet().stream().map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).toList()));
        log.log("trial balance over all facilities: %d paise; facilities whose trial balance is not 0: %d", balance, unbalanced);
        return result;
    }

    /** The rows of the generated facilities (the tables without a facility hold nothing else in a bench database). */
    private static String generated(String table) {
        return switch (table) {
            case "facilities" -> "t.id in (select facility_id from bench.facility_progress)";
            case "users", "health_cards", "gateway_settlements", "gateway_settlement_facilities", "settlement_allocations" -> "true";
            default -> "t.facility_id in (select facility_id from bench.facility_progress)";
        };
    }

    /** What the plan asks for over the whole run: appointments, bills, online payments, cash collections. */
    long[] plannedCounts(LocalDate firstDay) {
        long appointments = 0, bills = 0, payments = 0, collections = 0;
        for (int f = firstFacility; f < size.facilities(); f++) {
            boolean counter = Plan.type(f).counterSalesOnly();
            for (int d = 0; d < size.days(); d++) {
                for (Plan.Visit v : Plan.day(size, seed, planOf(f), d, firstDay.plusDays(d).getDayOfWeek().getValue())) {
                    if (!counter) {
                        appointments++;
                    }
                    if (v.outcome() != Plan.Outcome.BILLED) {
                        continue;
                    }
                    bills++;
                    switch (v.payment()) {
                        case ONLINE -> payments++;
                        case CASH, CASH_PART -> collections++;
                        case SPLIT -> {
                            payments++;
                            collections++;
                        }
                        case UNPAID -> { }
                    }
                }
            }
        }
        return new long[] {appointments, bills, payments, collections};
    }

    // ------------------------------------------------------------------------------------------------
    // Entry point
    // ------------------------------------------------------------------------------------------------

    /** Migrates a database with the product's migrations (no demo data), as the migrator role. */
    static void migrate(String url, String migrator, String password) {
        Flyway.configure().dataSource(url, migrator, password).locations("classpath:db/migration").load().migrate();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchOptions.parse(args, Set.of("fresh", "plan"), "bench/generate");
        if (o.containsKey("help")) {
            System.out.println("""
                    bench/generate [--size small|medium|large] [--facilities N] [--seed N] [--workers N]
                                   [--data-dir DIR] [--fresh]                   embedded PostgreSQL (default target/bench-postgres)
                                   [--templates T]                             plan facility k as facility ((k-1) mod T)+1 and copy
                                                                               facilities T+1.. set-based from it (large: 14; 0: off)
                                   [--clone on|off]                            off: every facility through the functions, as planned
                                   [--from K]                                  start at facility K (1-based), for comparisons
                                   [--plan]                                    print what the size plans, write nothing
                                   [--url JDBC_URL --user ROLE [--password P]]  an existing migrated database""");
            return;
        }
        Size size = Size.named(o.getOrDefault("size", "medium"));
        if (o.containsKey("facilities")) {
            size = size.withFacilities(Integer.parseInt(o.get("facilities")));
        }
        long seed = Long.parseLong(o.getOrDefault("seed", "20260101"));
        int workers = Integer.parseInt(o.getOrDefault("workers", String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors()))));
        int templates = Integer.parseInt(o.getOrDefault("templates", String.valueOf(defaultTemplates(size))));
        boolean clone = !o.getOrDefault("clone", "on").equals("off");
        int from = Integer.parseInt(o.getOrDefault("from", "1")) - 1;

        if (o.containsKey("plan")) {
            // what the size plans, without a database: for choosing sizes
            DataGenerator plan = new DataGenerator(null, size, seed, workers, false).templates(templates, clone, from);
            long[] n = plan.plannedCounts(LocalDate.now(IST).minusDays(size.days()));
            System.out.printf("%s: %,d facilities, %,d appointments, %,d bills, %,d online payments, %,d cash collections%n",
                    size.name(), size.facilities(), n[0], n[1], n[2], n[3]);
            return;
        }
        if (o.containsKey("url")) {
            Target target = new Target(o.get("url"), o.getOrDefault("user", "postgres"), o.getOrDefault("password", ""));
            print(new DataGenerator(target, size, seed, workers, false).templates(templates, clone, from).run());
            return;
        }
        Path data = Path.of(o.getOrDefault("data-dir", "target/bench-postgres"));
        if (o.containsKey("fresh") && Files.exists(data)) {
            // never under a running server: LocalPostgres holds this lock while it runs
            try (var lock = java.nio.channels.FileChannel.open(data.resolveSibling(data.getFileName() + ".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                if (lock.tryLock() == null) {
                    throw new IllegalStateException("a running process uses " + data + ": stop it before --fresh");
                }
                LocalPostgres.deleteRecursively(data);
            }
        }
        // disposable data: no fsync, like the test server
        try (LocalPostgres server = LocalPostgres.start(new LocalPostgres.Settings(data, Path.of("target/postgres"), 0,
                Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off", "max_wal_size", "4GB")))) {
            // Ctrl-C stops the server too; the days committed so far stay, and a rerun continues after them
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-postgres-stop"));
            server.prepareDatabase(EmbeddedPostgresAutoConfiguration.DATABASE, EmbeddedPostgresAutoConfiguration.OWNER_ROLE,
                    EmbeddedPostgresAutoConfiguration.rolesScript());
            String url = server.jdbcUrl(EmbeddedPostgresAutoConfiguration.DATABASE);
            migrate(url, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE, server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE));
            print(new DataGenerator(new Target(url, LocalPostgres.SUPERUSER, server.password(LocalPostgres.SUPERUSER)), size, seed, workers, false)
                    .templates(templates, clone, from).run());
            System.out.println("[bench] data directory: " + server.dataDirectory());
        }
    }

    private static void print(Result r) {
        if (r.trialBalance() != 0 || r.unbalancedFacilities() != 0) {
            throw new IllegalStateException("the ledger does not balance: " + r.trialBalance() + " paise");
        }
    }
}
