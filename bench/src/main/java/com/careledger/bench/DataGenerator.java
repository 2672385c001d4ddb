package com.careledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;
import org.flywaydb.core.Flyway;

/**
 * The benchmark data generator (issue 5 item 6): N facilities of all seven types with patients, services and
 * products, appointments over two years, issued bills, online payments across methods and gateways, cash
 * collections in cashier shifts, gateway settlement batches and, when their functions exist, online and cash
 * refunds and platform settlements. Every money row goes through the SQL functions the portal calls
 * ({@code app.capture_payment}, {@code app.open_shift}, {@code app.collect_cash}, {@code app.close_shift},
 * {@code app.record_gateway_settlement}, {@code app.refund_payment}, {@code app.refund_cash},
 * {@code app.create_settlement} ...), as the app role with a signed request context, so triggers, the
 * ledger and the audit log run as they do for the portal. See bench/README.md for the choices.
 *
 * <p>One worker per connection, one facility at a time per worker, one transaction per simulated day;
 * each day's transaction also records the day in {@code bench.facility_progress}, so a rerun continues
 * where the last one stopped.
 */
public final class DataGenerator {

    static final ZoneId IST = ZoneId.of("Asia/Kolkata");
    static final String APP_ROLE = EmbeddedPostgresAutoConfiguration.APP_ROLE;

    /** Where to write: a JDBC URL and a login that may SET ROLE to careledger_app and careledger_definer. */
    public record Target(String url, String user, String password) {
        Connection connect() throws SQLException {
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
    private final boolean quiet;
    private final AtomicLong facilityDaysDone = new AtomicLong();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private final Map<String, String> firstErrors = new ConcurrentHashMap<>();
    private LocalDate firstDay;
    private UUID superAdmin;
    private boolean refunds;
    private boolean settlements;
    private boolean paymentOrders;
    private int templates;
    private boolean cloning = true;
    private int firstFacility;

    public DataGenerator(Target target, Size size, long seed, int workers, boolean quiet) {
        this.target = target;
        this.size = size;
        this.seed = seed;
        this.workers = Math.max(1, workers);
        this.quiet = quiet;
    }

    /**
     * Templates: facility number k (0-based here) is planned as facility {@code k mod templates}, which has its
     * type; with {@code clone} the facilities from {@code templates} on are copied set-based from their template
     * (FacilityClone) instead of run through the functions. {@code firstFacility} (0-based) skips the facilities
     * before it: for the test that makes some of them through the functions in a database of their own.
     */
    /**
     * Medium and large: two templates of each type (14), so the terms that vary by facility number vary among them
     * too, and the other facilities are copies (56 of medium's 70, 986 of large's 1,000; see bench/README.md). A run of
     * 14 facilities or fewer, and the small size, go through the functions alone.
     */
    static int defaultTemplates(Size size) {
        return size.name().equals("small") || size.facilities() <= 14 ? 0 : 14;
    }

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
        try (Connection admin = target.connect()) {
            prepareRun(admin);
        }
        long functionFacilities = java.util.stream.IntStream.range(firstFacility, size.facilities()).filter(f -> !cloned(f)).count();
        long totalDays = functionFacilities * size.days();
        Map<Integer, Integer> done = progress();
        facilityDaysDone.set(done.entrySet().stream().filter(e -> !cloned(e.getKey())).mapToLong(e -> e.getValue() + 1).sum());
        log("generating %s: %d facilities x %d days from %s, seed %d, %d workers%s; payment orders %s, refunds %s, settlements %s%s",
                size.name(), size.facilities(), size.days(), firstDay, seed, workers,
                templates == 0 ? "" : ", %d templates (%s)".formatted(templates,
                        cloning ? "facilities " + (templates + 1) + ".." + size.facilities() + " copied set-based" : "all through the functions"),
                paymentOrders ? "on" : "skipped (functions absent)",
                refunds ? "on" : "skipped (functions absent)", settlements ? "on" : "skipped (functions absent)",
                done.isEmpty() ? "" : "; resuming, " + facilityDaysDone.get() + " facility-days already done");

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long baseline = moneyRowsInserted();
        long tickStart = System.nanoTime();
        long doneAtStart = facilityDaysDone.get();
        ticker.scheduleAtFixedRate(() -> report(totalDays, baseline, tickStart, doneAtStart), 2, 2, TimeUnit.SECONDS);

        ExecutorService pool = Executors.newFixedThreadPool(workers);
        ThreadLocal<Connection> connections = new ThreadLocal<>();
        List<Connection> opened = java.util.Collections.synchronizedList(new ArrayList<>());
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
                    new FacilityWorker(c, facility).run(from);
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
        report(totalDays, baseline, tickStart, doneAtStart);
        clonePhase();
        PROFILE.entrySet().stream().sorted(Comparator.comparing(e -> -e.getValue()[1].get()))
                .forEach(e -> log("%8d calls %9.1f ms  %s", e.getValue()[0].get(), e.getValue()[1].get() / 1e6, e.getKey()));
        finish();
        Result result = summary(Duration.ofNanos(System.nanoTime() - started));
        firstErrors.forEach((step, message) -> log("note: %s was skipped where it failed; first error: %s", step, message));
        return result;
    }

    /** The bench schema, the run's parameters (a rerun must match them), the super admin, which functions exist. */
    private void prepareRun(Connection admin) throws SQLException {
        admin.setAutoCommit(false);
        try (Statement st = admin.createStatement()) {
            st.execute("""
                    create schema if not exists bench;
                    create table if not exists bench.run (
                      only_row boolean primary key default true check (only_row),
                      size text not null, facilities integer not null, days integer not null, seed bigint not null,
                      first_day date not null, started_at timestamptz not null default now());
                    create table if not exists bench.facility_progress (
                      facility_no integer primary key, facility_id uuid not null, last_day integer not null,
                      updated_at timestamptz not null default now());
                    alter table bench.run add column if not exists templates integer not null default 0;
                    grant usage on schema bench to careledger_app;
                    grant select, insert, update on bench.facility_progress to careledger_app;
                    grant select on bench.run to careledger_app;
                    """);
            LocalDate today = LocalDate.now(IST);
            try (ResultSet rs = st.executeQuery("select size, facilities, days, seed, first_day, templates from bench.run")) {
                if (rs.next()) {
                    if (!rs.getString(1).equals(size.name()) || rs.getInt(2) != size.facilities()
                            || rs.getInt(3) != size.days() || rs.getLong(4) != seed || rs.getInt(6) != templates) {
                        throw new IllegalStateException("this database holds a %s run of %d facilities, %d days, seed %d, templates %d: "
                                .formatted(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(6))
                                + "rerun with those settings to continue it, or start on an empty database (--fresh)");
                    }
                    firstDay = rs.getObject(5, LocalDate.class);
                } else {
                    firstDay = today.minusDays(size.days());
                    try (PreparedStatement ps = admin.prepareStatement(
                            "insert into bench.run (size, facilities, days, seed, first_day, templates) values (?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, size.name());
                        ps.setInt(2, size.facilities());
                        ps.setInt(3, size.days());
                        ps.setLong(4, seed);
                        ps.setObject(5, firstDay);
                        ps.setInt(6, templates);
                        ps.execute();
                    }
                }
            }
            superAdmin = Plan.id(seed, "super-admin", 0, 0);
            st.execute("set local role careledger_definer");
            try (PreparedStatement ps = admin.prepareStatement("""
                    insert into users (id, email, display_name, password_hash, role)
                    values (?, 'superadmin@bench.careledger.test', 'Bench platform admin', '!', 'super_admin')
                    on conflict do nothing""")) {
                ps.setObject(1, superAdmin);
                ps.execute();
            }
            st.execute("reset role");
            try (ResultSet rs = st.executeQuery("""
                    select to_regprocedure('app.refund_payment(uuid, text, bigint, text)') is not null
                       and to_regprocedure('app.refund_cash(uuid, bigint, text, text)') is not null,
                           to_regprocedure('app.create_settlement(uuid, settlement_type, date, date, boolean)') is not null
                       and to_regprocedure('app.submit_settlement(uuid)') is not null
                       and to_regprocedure('app.approve_settlement(uuid)') is not null
                       and to_regprocedure('app.pay_settlement(uuid, text)') is not null,
                           to_regprocedure('app.create_payment_order(uuid, payment_gateway, text, bigint)') is not null
                       and to_regprocedure('app.record_payment_failed(payment_gateway, text, text, payment_method, text)') is not null""")) {
                rs.next();
                refunds = rs.getBoolean(1);
                settlements = rs.getBoolean(2);
                paymentOrders = rs.getBoolean(3);
            }
        }
        admin.commit();
    }

    /**
     * The set-based path: each facility from the templates on is copied from its template, one facility per
     * transaction, as the superuser with triggers and foreign-key checks off (FacilityClone). Resumable: a facility
     * recorded in bench.facility_progress is there already.
     */
    private void clonePhase() throws SQLException {
        if (!cloning || templates == 0 || size.facilities() <= templates) {
            return;
        }
        Map<Integer, Integer> done = progress();
        Map<Integer, UUID> ids = new LinkedHashMap<>();
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select facility_no, facility_id from bench.facility_progress")) {
            while (rs.next()) {
                ids.put(rs.getInt(1), rs.getObject(2, UUID.class));
            }
        }
        List<Integer> todo = java.util.stream.IntStream.range(Math.max(firstFacility, templates), size.facilities())
                .filter(f -> !done.containsKey(f)).boxed().toList();
        if (todo.isEmpty()) {
            return;
        }
        for (int t = 0; t < templates && t < size.facilities(); t++) {
            if (!ids.containsKey(t)) {
                throw new IllegalStateException("template facility " + (t + 1) + " is not in this database: generate it first");
            }
        }
        // one worker per connection; a worker copies all of a template's facilities, so it reads the template once
        int lanes = Math.min(workers, Math.min(templates, todo.size()));
        List<List<Integer>> lanesTodo = new ArrayList<>();
        for (int w = 0; w < lanes; w++) {
            lanesTodo.add(new ArrayList<>());
        }
        todo.stream().sorted(Comparator.comparingInt(this::planOf).thenComparingInt(f -> f))
                .forEach(f -> lanesTodo.get(planOf(f) % lanes).add(f));
        long start = System.nanoTime();
        AtomicLong rows = new AtomicLong(), lastLog = new AtomicLong();
        AtomicInteger n = new AtomicInteger();
        log("copying %d facilities set-based from their templates (%d already there), %d workers",
                todo.size(), size.facilities() - Math.max(firstFacility, templates) - todo.size(), lanes);
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        List<Future<?>> running = new ArrayList<>();
        for (List<Integer> lane : lanesTodo) {
            running.add(pool.submit(() -> {
                copyLane(lane, ids, done, () -> {
                    int k = n.incrementAndGet();
                    long now = System.nanoTime(), last = lastLog.get();
                    if ((now - last > 2_000_000_000L && lastLog.compareAndSet(last, now)) || k == todo.size()) {
                        double seconds = Math.max(0.001, (now - start) / 1e9);
                        log("copied %,d/%,d facilities  rows %,d (%,.0f rows/s)  elapsed %s  eta %s", k, todo.size(), rows.get(),
                                rows.get() / seconds, human(Duration.ofSeconds((long) seconds)),
                                human(Duration.ofSeconds((long) (seconds * (todo.size() - k) / k))));
                    }
                }, rows);
                return null;
            }));
        }
        pool.shutdown();
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            throw new IllegalStateException("interrupted while copying", e);
        } catch (java.util.concurrent.ExecutionException e) {
            pool.shutdownNow();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Copies the facilities of one worker, each in its own transaction, recording each in bench.facility_progress. */
    private void copyLane(List<Integer> lane, Map<Integer, UUID> ids, Map<Integer, Integer> done, Runnable copied, AtomicLong rows)
            throws SQLException {
        try (Connection c = target.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("set synchronous_commit = off");
                st.execute("set jit = off");
                // a template's rows are read from temporary tables (FacilityClone.stage): keep them in memory
                st.execute("set temp_buffers = '512MB'");
            }
            FacilityClone clone = new FacilityClone(c);
            c.commit();
            for (int f : lane) {
                int t = planOf(f);
                try {
                    rows.addAndGet(clone.copy(c, seed, t, ids.get(t), f));
                    try (PreparedStatement ps = c.prepareStatement(
                            "insert into bench.facility_progress (facility_no, facility_id, last_day) values (?, ?, ?)")) {
                        ps.setInt(1, f);
                        ps.setObject(2, FacilityClone.newId(ids.get(t), f));
                        ps.setInt(3, done.get(t));
                        ps.execute();
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw new IllegalStateException("copying facility " + (f + 1) + " from " + (t + 1) + ": " + e.getMessage(), e);
                }
                copied.run();
            }
        }
    }

    private Map<Integer, Integer> progress() throws SQLException {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select facility_no, last_day from bench.facility_progress")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return out;
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
    private void finish() throws SQLException {
        try (Connection c = workerConnection(); Statement st = c.createStatement()) {
            context(c, superAdmin, null);
            long start = System.nanoTime();
            st.execute("select count(*) from app.maintain_partitions(null)");
            c.commit();
            log("partition upkeep: %.1f s", (System.nanoTime() - start) / 1e9);
        }
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            st.execute("analyze");
        }
    }

    private Result summary(Duration elapsed) throws SQLException {
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
        long[] planned = plannedCounts();
        Result result = new Result(rows, planned[0], planned[1], planned[2], planned[3], balance, unbalanced,
                Set.copyOf(skipped), elapsed);
        log("done in %s: %,d money rows (%s)", human(elapsed), result.moneyRows(),
                String.join(", ", rows.entrySet().stream().map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).toList()));
        log("trial balance over all facilities: %d paise; facilities whose trial balance is not 0: %d", balance, unbalanced);
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
    long[] plannedCounts() {
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
    // One facility
    // ------------------------------------------------------------------------------------------------

    /** Sets up one facility (once) and simulates its days from {@code from}, one transaction per day. */
    private final class FacilityWorker {
        private final Connection c;
        private final int no;
        /** The facility whose plan this one follows: itself, or its template (see --templates). */
        private final int plan;
        private final Catalogue.Type type;
        private final UUID facility;
        private final UUID admin;
        private final UUID clerk;
        private final UUID clerkStaff;
        private final int cycleDays;
        private boolean unsettledPayments = true;
        private boolean unsettledItems = true;

        FacilityWorker(Connection c, int no) {
            this.c = c;
            this.no = no;
            this.plan = planOf(no);
            this.type = Plan.type(plan);
            this.facility = Plan.id(seed, "facility", no, 0);
            this.admin = Plan.id(seed, "admin", no, 0);
            this.clerk = Plan.id(seed, "clerk", no, 0);
            this.clerkStaff = Plan.id(seed, "clerk-staff", no, 0);
            this.cycleDays = switch (plan % 4) {
                case 0, 1 -> 7;
                case 2 -> 14;
                default -> 30;
            };
        }

        void run(int from) throws SQLException {
            try {
                if (from < 0) {
                    setUp();
                    c.commit();
                    from = 0;
                }
                for (int d = from; d < size.days(); d++) {
                    if (day(d)) {
                        long t = System.nanoTime();
                        c.commit();
                        time("commit", t);
                    }
                    facilityDaysDone.incrementAndGet();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw new IllegalStateException("facility " + no + " (" + facility + "): " + e.getMessage(), e);
            }
        }

        // -- set-up: rows that are not money, written as the definer role like the demo data ---------------

        private void setUp() throws SQLException {
            // planned from the template (terms, place, staff, prices, patients); named after the facility itself
            // (its number in names, e-mails, GSTIN, PAN, invoice prefix, registration and card numbers, gateway ids)
            Names names = names(no, plan);
            String state = names.state();
            String city = names.city();
            String name = names.name();
            String gstin = names.gstin();
            String pan = names.pan();
            try (Statement st = c.createStatement()) {
                st.execute("set local role careledger_definer");
            }
            exec("""
                    insert into facilities (id, name, legal_name, type, status, city, state_code, gstin, invoice_prefix)
                    values (?, ?, ?, ?::facility_type, 'active', ?, ?, ?, ?)""",
                    facility, name, name + " Private Limited", type.name(), city, state, gstin,
                    names.invoicePrefix());
            exec("""
                    insert into users (id, email, display_name, password_hash, role, facility_id) values
                      (?, ?, ?, '!', 'facility_admin', ?), (?, ?, ?, '!', 'staff', ?)""",
                    admin, "admin.%04d@bench.careledger.test".formatted(no + 1), "Admin of " + name, facility,
                    clerk, "billing.%04d@bench.careledger.test".formatted(no + 1), "Billing clerk of " + name, facility);
            // terms vary by facility: commission on cash by percentage, by a fixed fee per bill, or none;
            // settlement cycle, netting and TDS
            boolean commission = plan % 10 != 9;
            boolean fixed = plan % 5 == 3;
            exec("""
                    insert into facility_configurations (facility_id, effective_from, gst_rate, cash_commission_applies,
                        cash_commission_type, cash_commission_rate, cash_commission_fixed_paise, gst_on_cash_commission,
                        refund_gateway_fee_bearer, tds_rate, settlement_cycle, minimum_payout_paise, netting_allowed,
                        payout_account_name, payout_account_number, payout_ifsc, payout_pan)
                    values (?, now(), 0.18, ?, ?::cash_commission_type, ?::numeric, ?, true,
                        ?::gateway_fee_bearer, ?::numeric, ?::settlement_cycle, 0, ?, ?, ?, 'HDFC0001234', ?)""",
                    facility, commission, fixed ? "fixed_per_bill" : "percentage",
                    commission && !fixed ? "0.0" + (1 + plan % 3) : null, commission && fixed ? 2000L + 1000L * (plan % 4) : null,
                    plan % 3 == 0 ? "facility" : "platform", plan % 5 == 0 ? "0.01" : "0",
                    switch (cycleDays) { case 7 -> "weekly"; case 14 -> "fortnightly"; default -> "monthly"; },
                    plan % 8 != 7, name, "5010" + String.format("%08d", no + 1), pan);
            exec("""
                    insert into facility_method_rates (facility_id, effective_from, method, gateway_mdr, platform_mdr)
                    select c.facility_id, c.effective_from, r.method::payment_method, r.gateway_mdr, r.platform_mdr
                    from facility_configurations c
                    cross join (values ('card', 0.0110, 0.0120), ('upi', 0, 0), ('rupay_debit', 0, 0),
                                       ('netbanking', 0.0150, 0.0170), ('wallet', 0.0180, 0.0200)) as r(method, gateway_mdr, platform_mdr)
                    where c.facility_id = ?""", facility);
            exec("""
                    insert into facility_staff_permissions (facility_id, kind, permission)
                    select ?, d.kind, d.permission from default_staff_permissions d""", facility);
            exec("insert into staff (id, facility_id, user_id, kind, display_name) values (?, ?, ?, 'billing', ?)",
                    clerkStaff, facility, clerk, "Billing clerk " + (no + 1));
            for (int k = 0; k < type.clinicians(); k++) {
                exec("insert into staff (id, facility_id, kind, display_name, registration_number) values (?, ?, ?::staff_kind, ?, ?)",
                        Plan.id(seed, "clinician", no, k), facility, type.staffKind(),
                        (type.staffKind().equals("doctor") ? "Dr. " : "") + Catalogue.FIRST[(plan + k) % 20] + " "
                                + Catalogue.LAST[(plan * 3 + k) % 20], "MMC-%06d".formatted(no * 10 + k));
            }
            for (int k = 0; k < type.services().size(); k++) {
                Catalogue.Service s = type.services().get(k);
                exec("""
                        insert into services (id, facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate, duration_minutes)
                        values (?, ?, ?, ?, ?::service_category, ?, ?, 0, ?)""",
                        Plan.id(seed, "service", no, k), facility, s.code(), s.name(), s.category(),
                        s.pricePaise() * (95 + plan % 11) / 100, s.sac(), s.minutes());
            }
            for (int k = 0; k < type.products().size(); k++) {
                Catalogue.Product p = type.products().get(k);
                exec("""
                        insert into products (id, facility_id, name, hsn_code, gst_rate, price_paise, mrp_paise, unit)
                        values (?, ?, ?, ?, ?::numeric, ?, ?, ?)""",
                        Plan.id(seed, "product", no, k), facility, p.name(), p.hsn(), p.gstRate(), p.pricePaise(),
                        p.mrpPaise(), p.unit());
            }
            // patients, 60 % with a health card and its clinical record (set-based, deterministic from the seed)
            exec("""
                    with people as (
                      select i, ('x' || substr(md5(?::text || ':' || i), 1, 16))::bit(64) as h,
                             md5('card:' || ?::text || ':' || i)::uuid as card
                      from generate_series(0, ? - 1) i
                    ), cards as (
                      insert into health_cards (id, card_number, holder_name, insurance)
                      select card, n || app.verhoeff_check_digit(n), 'Bench patient ' || i,
                             case when i % 4 = 0 then '[{"insurer": "Star Health and Allied Insurance", "policy_number": "SH-B"}]'::jsonb
                                  when i % 4 = 1 then '[{"scheme": "PM-JAY", "beneficiary_id": "PMJAY-B"}]'::jsonb
                                  else '[]'::jsonb end
                      from (select i, card, '8' || lpad(?::text, 5, '0') || lpad(i::text, 9, '0') as n
                            from people where i % 5 < 3) c
                    ), clinical as (
                      insert into health_card_clinical (card_id, blood_group, allergies, chronic_conditions)
                      select card, (array['A+', 'B+', 'O+', 'AB+', 'O-', 'A-'])[1 + i % 6],
                             case when i % 7 = 0 then '[{"substance": "Penicillin"}]'::jsonb else '[]' end,
                             case when i % 5 = 0 then '[{"code": "E11", "name": "Type 2 diabetes mellitus"}]'::jsonb
                                  when i % 5 = 1 then '[{"code": "I10", "name": "Essential hypertension"}]'::jsonb
                                  else '[]' end
                      from people where i % 5 < 3
                    )
                    insert into patients (id, facility_id, registration_number, full_name, date_of_birth, sex, phone, card_id)
                    select md5('patient:' || ?::text || ':' || i)::uuid, ?, ? || lpad(i::text, 7, '0'),
                           (?::text[])[1 + (substring(h from 1 for 20))::int % 20] || ' ' || (?::text[])[1 + (substring(h from 21 for 20))::int % 20],
                           date '1940-01-01' + (substring(h from 41 for 16))::int % 29000,
                           case when i % 2 = 0 then 'female' else 'male' end::sex,
                           '+91 9' || lpad(((substring(h from 41 for 24))::bigint * 61 % 1000000000)::text, 9, '0'),
                           case when i % 5 < 3 then card end
                    from people""",
                    seed + ":" + plan, seed + ":" + no, size.patientsPerFacility(), no, seed + ":" + no, facility,
                    type.prefix() + "R" + (no + 1) + "-", textArray(Catalogue.FIRST), textArray(Catalogue.LAST));
            try (Statement st = c.createStatement()) {
                st.execute("set local role " + APP_ROLE);
            }
            recordProgress(-1);
        }

        // -- one simulated day ---------------------------------------------------------------------------

        /** Returns whether it wrote anything (and so needs a commit). */
        private boolean day(int d) throws SQLException {
            LocalDate date = firstDay.plusDays(d);
            List<Plan.Visit> visits = Plan.day(size, seed, plan, d, date.getDayOfWeek().getValue());
            boolean paymentBoundary = (d + 1) % 7 == 0 && unsettledPayments;
            boolean settlementBoundary = settlements && (d + 1) % cycleDays == 0 && unsettledItems;
            if (visits.isEmpty() && !paymentBoundary && !settlementBoundary) {
                return false;
            }
            if (!visits.isEmpty()) {
                simulateVisits(d, date, visits);
                unsettledPayments = true;
                unsettledItems = true;
            }
            if (paymentBoundary) {
                gatewaySettlements(d, date);
                unsettledPayments = false;
            }
            if (settlementBoundary) {
                settle(d, date);
                unsettledItems = false;
            }
            recordProgress(d);
            return true;
        }

        private void simulateVisits(int d, LocalDate date, List<Plan.Visit> visits) throws SQLException {
            ZonedDateTime opening = date.atTime(LocalTime.of(9, 0)).atZone(IST);
            List<UUID> bills = new ArrayList<>();
            List<Plan.Visit> billed = new ArrayList<>();
            List<ZonedDateTime> issuedAt = new ArrayList<>();

            // appointments, booked by the facility admin (appointments.manage)
            if (!type.counterSalesOnly()) {
                context(c, admin, facility);
                int n = visits.size();
                Object[] ids = new Object[n], patients = new Object[n], services = new Object[n], staff = new Object[n];
                String[] starts = new String[n], ends = new String[n], statuses = new String[n];
                for (int i = 0; i < n; i++) {
                    Plan.Visit v = visits.get(i);
                    ZonedDateTime start = opening.plusMinutes((long) v.slot() * type.slotMinutes());
                    ids[i] = Plan.id(seed, "appointment", no, (long) d * 1000 + v.n());
                    patients[i] = patient(v.patient());
                    services[i] = Plan.id(seed, "service", no, v.service());
                    staff[i] = Plan.id(seed, "clinician", no, v.clinician());
                    starts[i] = start.toOffsetDateTime().toString();
                    ends[i] = start.plusMinutes(type.services().get(v.service()).minutes()).toOffsetDateTime().toString();
                    statuses[i] = switch (v.outcome()) {
                        case CANCELLED -> "cancelled";
                        case NO_SHOW -> "no_show";
                        case BILLED -> "completed";
                    };
                }
                exec("""
                        insert into appointments (id, facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at, status)
                        select u.id, ?, (u.starts_at at time zone 'Asia/Kolkata')::date, u.patient, u.service, u.staff,
                               u.starts_at, u.ends_at, u.status::appointment_status
                        from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::text[])
                             as u(id, patient, service, staff, starts_at, ends_at, status)""",
                        facility, uuidArray(ids), uuidArray(patients), uuidArray(services), uuidArray(staff),
                        textArray(starts), textArray(ends), textArray(statuses));
            }

            // bills, made and issued by the billing clerk, in the order of their moment of issue
            context(c, clerk, facility);
            for (Plan.Visit v : visits) {
                if (v.outcome() != Plan.Outcome.BILLED) {
                    continue;
                }
                ZonedDateTime at = type.counterSalesOnly()
                        ? opening.plusMinutes((long) v.slot() * 720 / Math.max(1, visits.size()) + v.issueDelayMinutes() % 10)
                        : opening.plusMinutes((long) v.slot() * type.slotMinutes()
                                              + type.services().get(v.service()).minutes() + v.issueDelayMinutes());
                billed.add(v);
                issuedAt.add(at);
            }
            if (billed.isEmpty()) {
                return;
            }
            Integer[] order = new Integer[billed.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, Comparator.comparing((Integer i) -> issuedAt.get(i)));

            int n = billed.size();
            Object[] billPatients = new Object[n], appointments = new Object[n];
            String[] appointmentDays = new String[n];
            for (int i = 0; i < n; i++) {
                Plan.Visit v = billed.get(i);
                billPatients[i] = patient(v.patient());
                appointments[i] = type.counterSalesOnly() ? null : Plan.id(seed, "appointment", no, (long) d * 1000 + v.n());
                appointmentDays[i] = type.counterSalesOnly() ? null : date.toString();
            }
            // the database names the bills; returned in the order of the rows inserted
            bills.addAll(uuids("""
                    insert into bills (facility_id, patient_id, appointment_id, appointment_starts_on)
                    select ?, u.patient, u.appointment, u.starts_on
                    from unnest(?::uuid[], ?::uuid[], ?::date[]) with ordinality as u(patient, appointment, starts_on, n)
                    order by u.n
                    returning id""",
                    facility, uuidArray(billPatients), uuidArray(appointments), textArray(appointmentDays)));
            List<Object> lineBills = new ArrayList<>(), lineServices = new ArrayList<>(), lineProducts = new ArrayList<>();
            List<Long> lineQuantities = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Plan.Visit v = billed.get(i);
                for (Plan.Line line : v.lines()) {
                    lineBills.add(bills.get(i));
                    lineServices.add(line.service() < 0 ? null : Plan.id(seed, "service", no, line.service()));
                    lineProducts.add(line.product() < 0 ? null : Plan.id(seed, "product", no, line.product()));
                    lineQuantities.add((long) line.quantity());
                }
            }
            exec("""
                    insert into bill_items (facility_id, bill_id, service_id, product_id, quantity)
                    select ?, u.bill, u.service, u.product, u.quantity
                    from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::int8[]) with ordinality as u(bill, service, product, quantity, n)
                    order by u.n""",
                    facility, uuidArray(lineBills.toArray()), uuidArray(lineServices.toArray()),
                    uuidArray(lineProducts.toArray()), longArray(lineQuantities.toArray(Long[]::new)));
            Map<UUID, Long> totals = amounts(bills, "subtotal_paise");
            List<Object> discounted = new ArrayList<>();
            List<Long> discounts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Plan.Visit v = billed.get(i);
                if (v.discountPercent() > 0) {
                    long subtotal = totals.get(bills.get(i));
                    long discount = subtotal * v.discountPercent() / 100 / 100 * 100;
                    if (discount > 0 && discount < subtotal) {
                        discounted.add(bills.get(i));
                        discounts.add(discount);
                    }
                }
            }
            if (!discounted.isEmpty()) {
                exec("select app.set_bill_discount(u.bill, u.discount) from unnest(?::uuid[], ?::int8[]) as u(bill, discount)",
                        uuidArray(discounted.toArray()), longArray(discounts.toArray(Long[]::new)));
            }
            // issued at the moment of the visit: app.issue_bill_at, which only its owner may call (see README)
            Object[] issueIds = new Object[n];
            String[] issueAt = new String[n];
            for (int k = 0; k < n; k++) {
                issueIds[k] = bills.get(order[k]);
                issueAt[k] = issuedAt.get(order[k]).toOffsetDateTime().toString();
            }
            try (Statement st = c.createStatement()) {
                st.execute("set local role careledger_definer");
            }
            exec("""
                    select app.issue_bill_at(u.bill, u.at)
                    from unnest(?::uuid[], ?::timestamptz[]) with ordinality as u(bill, at, n)
                    order by u.n""",
                    uuidArray(issueIds), textArray(issueAt));
            try (Statement st = c.createStatement()) {
                st.execute("set local role " + APP_ROLE);
            }
            totals = amounts(bills, "total_paise");

            // online payments: the whole bill, or half of it when the rest is paid in cash
            List<Object> payBills = new ArrayList<>();
            List<String> gateways = new ArrayList<>(), orders = new ArrayList<>(), payIds = new ArrayList<>(), methods = new ArrayList<>();
            List<Long> amounts = new ArrayList<>();
            List<Boolean> payRefund = new ArrayList<>();
            List<Boolean> payFailedFirst = new ArrayList<>();
            List<Object> cashBills = new ArrayList<>();
            List<Long> cashAmounts = new ArrayList<>();
            List<String> cashKeys = new ArrayList<>();
            List<Boolean> cashRefund = new ArrayList<>();
            boolean variance = false;
            for (int k = 0; k < n; k++) {
                int i = order[k];
                Plan.Visit v = billed.get(i);
                long total = totals.get(bills.get(i));
                long online = switch (v.payment()) {
                    case ONLINE -> total;
                    case SPLIT -> total / 2;
                    default -> 0;
                };
                long cash = switch (v.payment()) {
                    case CASH -> total;
                    case CASH_PART -> total * 6 / 10;
                    case SPLIT -> total - total / 2;
                    default -> 0;
                };
                String ref = "%d_%d_%d_%d".formatted(seed, no, d, v.n());
                if (online > 0) {
                    payBills.add(bills.get(i));
                    gateways.add(v.gateway());
                    orders.add("order_B" + ref);
                    payIds.add("pay_B" + ref);
                    methods.add(v.method());
                    amounts.add(online);
                    payRefund.add(v.refundOnline());
                    payFailedFirst.add(v.failedAttempt());
                }
                if (cash > 0) {
                    cashBills.add(bills.get(i));
                    cashAmounts.add(cash);
                    cashKeys.add("bench-cash-" + ref);
                    cashRefund.add(v.refundCash());
                    variance |= v.cashVariance();
                }
            }
            if (!payBills.isEmpty() && paymentOrders) {
                // the portal's flow: an order at the gateway for the bill, now and then a declined attempt,
                // then the capture, which takes the order's row
                exec("""
                        select app.create_payment_order(u.bill, u.gateway::payment_gateway, u.order_id, u.amount)
                        from unnest(?::uuid[], ?::text[], ?::text[], ?::int8[]) with ordinality as u(bill, gateway, order_id, amount, n)
                        order by u.n""",
                        uuidArray(payBills.toArray()), textArray(gateways.toArray(String[]::new)),
                        textArray(orders.toArray(String[]::new)), longArray(amounts.toArray(Long[]::new)));
                List<String> failGateways = new ArrayList<>(), failOrders = new ArrayList<>(), failIds = new ArrayList<>(),
                        failMethods = new ArrayList<>();
                for (int k = 0; k < payBills.size(); k++) {
                    if (payFailedFirst.get(k)) {
                        failGateways.add(gateways.get(k));
                        failOrders.add(orders.get(k));
                        failIds.add("pay_F" + payIds.get(k).substring(5));
                        failMethods.add(methods.get(k));
                    }
                }
                if (!failOrders.isEmpty()) {
                    exec("""
                            select app.record_payment_failed(u.gateway::payment_gateway, u.order_id, u.payment_id,
                                                             u.method::payment_method, 'Declined by the issuing bank')
                            from unnest(?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as u(gateway, order_id, payment_id, method, n)
                            order by u.n""",
                            textArray(failGateways.toArray()), textArray(failOrders.toArray()), textArray(failIds.toArray()),
                            textArray(failMethods.toArray()));
                }
            }
            if (!payBills.isEmpty()) {
                List<UUID> payments = uuids("""
                        select app.capture_payment(u.bill, u.gateway::payment_gateway, u.order_id, u.payment_id,
                                                   u.method::payment_method, u.amount)
                        from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[]) with ordinality
                             as u(bill, gateway, order_id, payment_id, method, amount, n)
                        order by u.n""",
                        uuidArray(payBills.toArray()), textArray(gateways.toArray(String[]::new)),
                        textArray(orders.toArray(String[]::new)), textArray(payIds.toArray(String[]::new)),
                        textArray(methods.toArray(String[]::new)), longArray(amounts.toArray(Long[]::new)));
                if (refunds) {
                    for (int k = 0; k < payments.size(); k++) {
                        if (payRefund.get(k)) {
                            // half of the payments refunded in full, the others in part
                            long amount = k % 2 == 0 ? amounts.get(k) : Math.max(1, amounts.get(k) / 4);
                            optional("app.refund_payment", "select app.refund_payment(?, ?, ?, ?)", payments.get(k),
                                    "rfnd_" + payIds.get(k).substring(4), amount, "Service not availed");
                        }
                    }
                }
            }
            if (!cashBills.isEmpty()) {
                long opening_float = 200000;
                UUID shift = uuids("select app.open_shift(?)", opening_float).getFirst();
                List<UUID> collections = uuids("""
                        select app.collect_cash(u.bill, u.amount, u.idempotency_key)
                        from unnest(?::uuid[], ?::int8[], ?::text[]) with ordinality as u(bill, amount, idempotency_key, n)
                        order by u.n""",
                        uuidArray(cashBills.toArray()), longArray(cashAmounts.toArray(Long[]::new)),
                        textArray(cashKeys.toArray(String[]::new)));
                long expected = opening_float + cashAmounts.stream().mapToLong(Long::longValue).sum();
                if (refunds) {
                    for (int k = 0; k < collections.size(); k++) {
                        if (cashRefund.get(k)) {
                            long amount = k % 2 == 0 ? cashAmounts.get(k) : Math.max(1, cashAmounts.get(k) / 2);
                            if (optional("app.refund_cash", "select app.refund_cash(?, ?, ?, ?)", collections.get(k), amount,
                                    "Overcharged at the counter", cashKeys.get(k) + "-refund")) {
                                expected -= amount;
                            }
                        }
                    }
                }
                // now and then the drawer is short by a few rupees
                exec("select app.close_shift(?, ?)", shift, expected - (variance ? 5000 : 0));
            }
        }

        /** The week's captured payments (and refunds) of this facility in one batch per gateway, as the gateway reports it. */
        private void gatewaySettlements(int d, LocalDate date) throws SQLException {
            context(c, superAdmin, null);
            LocalDate today = LocalDate.now(IST);
            LocalDate settledOn = date.plusDays(2).isAfter(today) ? today : date.plusDays(2);
            for (String gateway : List.of("payu", "razorpay")) {
                List<UUID> payments = uuids("""
                        select p.id from payments p
                        where p.facility_id = ? and p.gateway = ?::payment_gateway
                          and p.gateway_settlement_id is null and p.captured_at is not null
                        order by p.id""", facility, gateway);
                List<UUID> paidBack = !refunds ? List.of() : uuids("""
                        select r.id from payment_refunds r
                        where r.facility_id = ? and r.gateway = ?::payment_gateway and r.gateway_settlement_id is null
                        order by r.id""", facility, gateway);
                if (payments.isEmpty() && paidBack.isEmpty()) {
                    continue;
                }
                String utr = "%sB%d%04d%04d".formatted(gateway.equals("razorpay") ? "RZP" : "PAYU", seed % 1000, no, d);
                // one batch in forty states ten rupees less than its items add up to: flagged mismatched
                long shortfall = Math.floorMod(Plan.mix(seed, plan, d), 40) == 0 ? 1000 : 0;
                Array p = uuidArray(payments.toArray()), r = uuidArray(paidBack.toArray());
                // what the gateway pays: each payment less its fee and the fee's GST, less what it refunded
                String refunded = refunds
                        ? "(select coalesce(sum(x.amount_paise), 0) from payment_refunds x where x.id = any (?::uuid[]))"
                        : "(select 0 where ?::uuid[] is not null)";
                exec("""
                        select app.record_gateway_settlement(?::payment_gateway, ?, ?,
                                 greatest(0, (select coalesce(sum(x.amount_paise - x.gateway_fee_paise - x.gateway_gst_paise), 0)
                                              from payments x where x.id = any (?::uuid[])) - %s - ?)::bigint,
                                 ?::uuid[], ?::uuid[])""".formatted(refunded),
                        gateway, utr, settledOn, p, r, shortfall, p, r);
            }
            context(c, clerk, facility);
        }

        /** A settlement of the cycle: made, submitted, approved and paid; the last cycles stay pending. */
        private void settle(int d, LocalDate date) throws SQLException {
            context(c, superAdmin, null);
            boolean netting = plan % 8 != 7;
            LocalDate today = LocalDate.now(IST);
            LocalDate from = date.minusDays(cycleDays - 1);
            for (String kind : netting ? List.of("mixed") : List.of("online_pg", "cash_commission")) {
                Savepoint sp = c.setSavepoint();
                try {
                    UUID settlement = uuids("select app.create_settlement(?, ?::settlement_type, ?, ?, true)",
                            facility, kind, from, today).getFirst();
                    if (uuids("select s.id from settlements s where s.id = ? and s.allocations_count > 0", settlement).isEmpty()) {
                        // nothing open of this kind (bills left unpaid, say): no settlement, as app.create_due_settlements does
                        c.rollback(sp);
                        continue;
                    }
                    exec("select app.submit_settlement(?)", settlement);
                    if (d < size.days() - 45) {
                        exec("select app.approve_settlement(?)", settlement);
                        exec("select app.pay_settlement(?, ?)", settlement,
                                "NEFTB%d%04d%04d%s".formatted(seed % 1000, no, d, kind.substring(0, 1).toUpperCase(Locale.ROOT)));
                    }
                    c.releaseSavepoint(sp);
                } catch (SQLException e) {
                    c.rollback(sp);
                    skipped.add("settlement");
                    firstErrors.putIfAbsent("a settlement (" + kind + ")", e.getMessage());
                }
            }
            context(c, clerk, facility);
        }

        /** Calls an optional money function in a savepoint; a refusal is noted and skipped. */
        private boolean optional(String step, String sql, Object... params) throws SQLException {
            Savepoint sp = c.setSavepoint();
            try {
                exec(sql, params);
                c.releaseSavepoint(sp);
                return true;
            } catch (SQLException e) {
                c.rollback(sp);
                skipped.add(step);
                firstErrors.putIfAbsent(step, e.getMessage());
                return false;
            }
        }

        private void recordProgress(int d) throws SQLException {
            exec("""
                    insert into bench.facility_progress (facility_no, facility_id, last_day) values (?, ?, ?)
                    on conflict (facility_no) do update set last_day = excluded.last_day, updated_at = now()""",
                    no, facility, d);
        }

        private UUID patient(int i) {
            return md5Uuid("patient:" + seed + ":" + no + ":" + i);
        }

        private Map<UUID, Long> amounts(List<UUID> bills, String column) throws SQLException {
            Map<UUID, Long> out = new java.util.HashMap<>();
            try (PreparedStatement ps = prepare("select id, " + column + " from bills where id = any (?::uuid[])",
                    uuidArray(bills.toArray()));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
            return out;
        }

        private void exec(String sql, Object... params) throws SQLException {
            long t = System.nanoTime();
            try (PreparedStatement ps = prepare(sql, params)) {
                ps.execute();
            }
            time(sql, t);
        }

        private List<UUID> uuids(String sql, Object... params) throws SQLException {
            long t = System.nanoTime();
            List<UUID> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
            time(sql, t);
            return out;
        }

        private PreparedStatement prepare(String sql, Object... params) throws SQLException {
            PreparedStatement ps = c.prepareStatement(sql);
            for (int i = 0; i < params.length; i++) {
                if (params[i] == null) {
                    ps.setNull(i + 1, Types.OTHER);
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            return ps;
        }

        private Array uuidArray(Object[] values) throws SQLException {
            return c.createArrayOf("uuid", values);
        }

        private Array textArray(Object[] values) throws SQLException {
            return c.createArrayOf("text", values);
        }

        private Array longArray(Long[] values) throws SQLException {
            return c.createArrayOf("int8", values);
        }
    }

    /** The same id the set-based patient insert gives: md5 of the text read as a uuid. */
    static UUID md5Uuid(String text) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (h[i] & 0xff);
                lo = (lo << 8) | (h[i + 8] & 0xff);
            }
            return new UUID(hi, lo);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, AtomicLong[]> PROFILE = new ConcurrentHashMap<>();

    /** With -Dbench.profile=true: time spent per statement, printed at the end. */
    static void time(String sql, long start) {
        if (Boolean.getBoolean("bench.profile")) {
            String key = sql.strip().replaceAll("\\s+", " ");
            AtomicLong[] a = PROFILE.computeIfAbsent(key.substring(0, Math.min(70, key.length())),
                    k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
            a[0].incrementAndGet();
            a[1].addAndGet(System.nanoTime() - start);
        }
    }

    static void context(Connection c, UUID user, UUID tenant) throws SQLException {
        long t = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("select app.set_current_user(?), app.set_current_tenant(?)")) {
            ps.setObject(1, user, Types.OTHER);
            ps.setObject(2, tenant, Types.OTHER);
            ps.execute();
        }
        time("set context", t);
    }

    /** What names facility {@code no} planned as facility {@code plan}: its number, in the template's city and state. */
    record Names(String state, String city, String name, String gstin, String pan, String invoicePrefix) {
    }

    static Names names(int no, int plan) {
        Catalogue.Type type = Plan.type(plan);
        String state = plan % 6 == 5 ? "29" : "27";
        String city = Catalogue.CITIES[(plan % 6 == 5 ? 8 : 0) + (plan / 7) % (plan % 6 == 5 ? 4 : 8)];
        String name = "%s %s %04d".formatted(city, type.label(), no + 1);
        String letters = letters(no);
        String gstin = state + "AA" + letters + String.format("%04d", no % 10000) + "F1Z" + (char) ('A' + no % 26);
        String pan = "AA" + letters + String.format("%04d", no % 10000) + "F";
        return new Names(state, city, name, gstin, pan, type.prefix() + letters.substring(1));
    }

    private static String letters(int no) {
        StringBuilder s = new StringBuilder();
        int x = no;
        for (int i = 0; i < 3; i++) {
            s.append((char) ('A' + x % 26));
            x /= 26;
        }
        return s.reverse().toString();
    }

    // ------------------------------------------------------------------------------------------------
    // Progress
    // ------------------------------------------------------------------------------------------------

    /** Rows inserted into the money tables so far, from the statistics collector (all partitions). */
    private long moneyRowsInserted() {
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables
                     where schemaname = 'public'
                       and relname ~ '^(bills|bill_items|payments|receipts|cash_collections|cashier_shifts|payment_refunds|cash_refunds|gateway_settlements|gateway_settlement_facilities|settlements|settlement_allocations|journal_entries|journal_lines)(_p[0-9]+|_default|_[0-9]+)?$'""")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    private void report(long totalDays, long baseline, long start, long doneAtStart) {
        long done = facilityDaysDone.get();
        long rows = moneyRowsInserted() - baseline;
        double seconds = Math.max(0.001, (System.nanoTime() - start) / 1e9);
        long newlyDone = done - doneAtStart;
        String eta = newlyDone <= 0 ? "?" : human(Duration.ofSeconds((long) (seconds * (totalDays - done) / newlyDone)));
        log("progress %5.1f%%  facility-days %,d/%,d  money rows %,d (%,.0f rows/s)  elapsed %s  eta %s",
                100.0 * done / totalDays, done, totalDays, rows, rows / seconds, human(Duration.ofSeconds((long) seconds)), eta);
    }

    private void log(String format, Object... args) {
        if (!quiet) {
            System.out.println("[bench] " + format.formatted(args));
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? "%dh%02dm".formatted(s / 3600, s % 3600 / 60) : s >= 60 ? "%dm%02ds".formatted(s / 60, s % 60) : s + "s";
    }

    // ------------------------------------------------------------------------------------------------
    // Entry point
    // ------------------------------------------------------------------------------------------------

    /** Migrates a database with the product's migrations (no demo data), as the migration owner. */
    static void migrate(String url, String owner, String password) {
        Flyway.configure().dataSource(url, owner, password).locations("classpath:db/migration").load().migrate();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + "; see bench/README.md");
            }
            String key = a.substring(2);
            if (key.contains("=")) {
                o.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else if (key.equals("fresh") || key.equals("help") || key.equals("plan")) {
                o.put(key, "true");
            } else {
                o.put(key, args[++i]);
            }
        }
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
            plan.firstDay = LocalDate.now(IST).minusDays(size.days());
            long[] n = plan.plannedCounts();
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
                deleteRecursively(data);
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
            migrate(url, EmbeddedPostgresAutoConfiguration.OWNER_ROLE, "");
            print(new DataGenerator(new Target(url, LocalPostgres.SUPERUSER, ""), size, seed, workers, false)
                    .templates(templates, clone, from).run());
            System.out.println("[bench] data directory: " + server.dataDirectory());
        }
    }

    private static void print(Result r) {
        if (r.trialBalance() != 0 || r.unbalancedFacilities() != 0) {
            throw new IllegalStateException("the ledger does not balance: " + r.trialBalance() + " paise");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
