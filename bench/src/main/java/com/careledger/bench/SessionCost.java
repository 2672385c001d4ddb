package com.careledger.bench;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.careledger.CareLedgerApplication;
import com.careledger.bench.ServerTiming.Kind;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of signed-in portal sessions (bench/README.md, "Session cost"): starts the portal in this JVM (from the
 * test class path, Vaadin in development mode as {@code spring-boot:run} runs it, on a throw-away embedded PostgreSQL
 * with the demo data), opens signed-in sessions one by one at HTTP level ({@link PortalSession}) up to each step of
 * N, keeps every one alive, and reports at each step:
 * <ul>
 * <li>heap per session: (live heap after a full collection with N sessions − the same with none) ÷ N, read by
 * {@link HeapProbe} in this JVM, with the HTTP sessions, Vaadin sessions and UIs alive at that moment
 * ({@link ServerTiming#alive()}) to show the sessions were there;</li>
 * <li>server time per request, p50/p95 by kind of request ({@link ServerTiming}: a filter ahead of all others), and
 * the client's round trip on the loopback beside it;</li>
 * <li>which classes the sessions' heap is made of (class histogram, growth per session).</li>
 * </ul>
 * A warm-up first opens and keeps alive sessions that are then ended, so class loading, the JIT, Vaadin's and
 * Spring's caches and the connection pool's prepared statements are in the baseline, not in the sessions' share.
 */
public final class SessionCost {

    /** What one step of N measured. */
    record Step(int sessions, ServerTiming.Alive alive, HeapProbe.Heap heap, double bytesPerSession,
                double usedBytesPerSession, Map<Kind, Times> opening, Times openingAll, Times openingButSignIn,
                Map<Kind, Times> keepAlive, Times keepAliveAll, Duration openingTook) {
    }

    /** Every request but the password check, whose bcrypt in the database is slow on purpose. */
    static final Set<Kind> BUT_SIGN_IN = EnumSet.complementOf(EnumSet.of(Kind.SIGN_IN));

    /**
     * Server and client times of one kind of request, ms: count, p50, p95, max; the database transactions per request
     * (mean) and the time they were open (p50, p95); the client's round trip p50, p95.
     */
    record Times(int count, double serverP50, double serverP95, double serverMax, double transactions,
                 double inTransactionsP50, double inTransactionsP95, double clientP50, double clientP95) {
        static Times of(TimingLog server, int serverMark, TimingLog client, int clientMark, Set<Kind> kinds) {
            double[] time = server.since(serverMark, kinds);
            double[] inTransactions = server.inTransactionsSince(serverMark, kinds);
            double[] roundTrips = client.since(clientMark, kinds);
            return new Times(time.length, BenchmarkRun.percentile(time, 50), BenchmarkRun.percentile(time, 95),
                    Arrays.stream(time).max().orElse(0),
                    Arrays.stream(server.transactionsSince(serverMark, kinds)).average().orElse(0),
                    BenchmarkRun.percentile(inTransactions, 50), BenchmarkRun.percentile(inTransactions, 95),
                    BenchmarkRun.percentile(roundTrips, 50), BenchmarkRun.percentile(roundTrips, 95));
        }
    }

    record Settings(List<Integer> steps, List<String> users, String password, int warmup, int rounds, int top,
                    boolean componentTracker) {
    }

    record Report(Settings settings, String landing, Map<String, String> machine, String jvm, Duration startup,
                  ServerTiming.Alive baselineAlive,
                  HeapProbe.Heap baseline, List<Step> steps, List<HeapProbe.Growth> growth, OffsetDateTime at,
                  Duration elapsed) {
    }

    private static final double MIB = 1024.0 * 1024;

    /** Where the class histograms of the heap go (one per reading). */
    static final Path HISTOGRAMS = Path.of("target/bench-sessions");

    private final Settings settings;
    /** Where the first sign-in landed (its route), for the report. */
    private String landing;
    private final BenchLog out = new BenchLog(false);

    SessionCost(Settings settings) {
        this.settings = settings;
    }

    Report run() throws Exception {
        long start = System.nanoTime();
        int capacity = 16 * (settings.warmup() + settings.steps().getLast()) * (settings.rounds() + 2) + 10_000;
        ServerTiming server = new ServerTiming(capacity);
        TimingLog client = new TimingLog(capacity);
        long startup0 = System.nanoTime();
        try (ConfigurableApplicationContext portal = new SpringApplicationBuilder(CareLedgerApplication.class)
                .initializers(server.initializer())
                .run(portalArguments(settings.componentTracker()))) {
            Duration startup = Duration.ofNanos(System.nanoTime() - startup0);
            int port = Integer.parseInt(portal.getEnvironment().getRequiredProperty("local.server.port"));
            out.log("portal up on port %d in %d s", port, startup.toSeconds());
            Map<String, String> machine = MachineInfo.read(portal.getBean(DataSource.class)::getConnection);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

            // warm-up: the same requests, then those sessions end
            List<PortalSession> warm = new ArrayList<>();
            for (int i = 0; i < settings.warmup(); i++) {
                warm.add(open(http, port, client, i));
            }
            landing = warm.isEmpty() ? "" : warm.getFirst().landingPage();
            for (int r = 0; r < settings.rounds(); r++) {
                keepAlive(warm);
            }
            out.log("warm-up: %d sessions opened and kept alive (%s), landing on /%s; ending them", warm.size(),
                    server.alive(), landing);
            warm.clear();
            server.log.awaitCount(client.mark());
            server.invalidateAll();
            server.log.reset();
            client.reset();

            ServerTiming.Alive baselineAlive = server.alive();
            if (baselineAlive.httpSessions() != 0) {
                throw new IllegalStateException("sessions alive before the measurement: " + baselineAlive);
            }
            HeapProbe.Heap baseline = HeapProbe.read(HISTOGRAMS.resolve("histogram-0.txt"));
            out.log("baseline: %s, live heap %.1f MiB (in use after GC %.1f MiB)", baselineAlive,
                    baseline.liveBytes() / MIB, baseline.usedAfterGc() / MIB);

            List<PortalSession> sessions = new ArrayList<>(settings.steps().getLast());
            List<Step> steps = new ArrayList<>();
            HeapProbe.Heap last = baseline;
            for (int n : settings.steps()) {
                int mark = server.log.mark();
                int clientMark = client.mark();
                long t0 = System.nanoTime();
                while (sessions.size() < n) {
                    sessions.add(open(http, port, client, sessions.size()));
                }
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                server.log.awaitCount(mark + client.mark() - clientMark);
                Map<Kind, Times> opening = times(server.log, client, mark, clientMark);
                Times openingAll = Times.of(server.log, mark, client, clientMark, EnumSet.allOf(Kind.class));
                Times openingButSignIn = Times.of(server.log, mark, client, clientMark, BUT_SIGN_IN);
                mark = server.log.mark();
                clientMark = client.mark();
                for (int r = 0; r < settings.rounds(); r++) {
                    keepAlive(sessions);
                }
                server.log.awaitCount(mark + client.mark() - clientMark);
                Map<Kind, Times> keepAlive = times(server.log, client, mark, clientMark);
                Times keepAliveAll = Times.of(server.log, mark, client, clientMark, EnumSet.allOf(Kind.class));
                ServerTiming.Alive alive = server.alive();
                if (alive.vaadinSessions() != n || alive.uis() != n) {
                    throw new IllegalStateException("expected " + n + " Vaadin sessions with one UI each, found " + alive);
                }
                last = HeapProbe.read(HISTOGRAMS.resolve("histogram-" + n + ".txt"));
                double perSession = (last.liveBytes() - baseline.liveBytes()) / (double) n;
                double usedPerSession = (last.usedAfterGc() - baseline.usedAfterGc()) / (double) n;
                Step step = new Step(n, alive, last, perSession, usedPerSession, opening, openingAll, openingButSignIn,
                        keepAlive, keepAliveAll, took);
                steps.add(step);
                out.log("N = %d: %s; live heap %.1f MiB, %.0f KiB per session (in use after GC: %.0f KiB per session)",
                        n, alive, last.liveBytes() / MIB, perSession / 1024, usedPerSession / 1024);
                out.log("  all requests: opening p95 %.2f ms (but the password check %.2f ms), live p95 %.2f ms",
                        openingAll.serverP95(), openingButSignIn.serverP95(), keepAliveAll.serverP95());
                keepAlive.forEach((kind, t) -> out.log("  live    %-50s n=%5d server p50 %6.2f p95 %6.2f ms; %.1f transactions, p50 %.2f ms in them",
                        kind.label, t.count(), t.serverP50(), t.serverP95(), t.transactions(), t.inTransactionsP50()));
                opening.forEach((kind, t) -> out.log("  opening %-50s n=%5d server p50 %6.2f p95 %6.2f ms; %.1f transactions, p50 %.2f ms in them",
                        kind.label, t.count(), t.serverP50(), t.serverP95(), t.transactions(), t.inTransactionsP50()));
            }
            List<HeapProbe.Growth> growth = HeapProbe.growth(baseline, last, settings.steps().getLast(), settings.top());
            growth.forEach(g -> out.log("  %10.0f B %8.1f objects per session  %s", g.bytesPerSession(),
                    g.instancesPerSession(), g.className()));
            String jvm = jvm();
            sessions.clear();
            return new Report(settings, landing, machine, jvm, startup, baselineAlive, baseline, steps, growth,
                    OffsetDateTime.now(ZoneOffset.UTC), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private PortalSession open(HttpClient http, int port, TimingLog client, int i) throws Exception {
        PortalSession session = new PortalSession(http, port, client);
        session.signIn(settings.users().get(i % settings.users().size()), settings.password());
        return session;
    }

    /** One round over every session: its heartbeat, then a visit to its landing page. */
    private static void keepAlive(List<PortalSession> sessions) throws Exception {
        for (PortalSession s : sessions) {
            s.heartbeat();
            s.revisitLandingPage();
        }
    }

    private static Map<Kind, Times> times(TimingLog server, TimingLog client, int serverMark, int clientMark) {
        Map<Kind, Times> out = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            if (server.since(serverMark, kind).length > 0) {
                out.put(kind, Times.of(server, serverMark, client, clientMark, EnumSet.of(kind)));
            }
        }
        return out;
    }

    /** Where the portal's throw-away PostgreSQL clusters go, one {@code run-<pid>} per run. */
    static final Path CLUSTERS = Path.of("target/bench-sessions-postgres");

    /** Deletes the clusters of earlier runs (their process gone), which the embedded server leaves behind. */
    private static void removeEarlierClusters() throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(CLUSTERS)) {
            return;
        }
        try (var entries = java.nio.file.Files.list(CLUSTERS)) {
            for (Path entry : entries.toList()) {
                var m = java.util.regex.Pattern.compile("^run-(\\d+)").matcher(entry.getFileName().toString());
                if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    try (var tree = java.nio.file.Files.walk(entry)) {
                        for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            java.nio.file.Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }

    /** The portal's settings, as command-line arguments: they override application.properties (its port among them). */
    private static String[] portalArguments(boolean componentTracker) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        // a throw-away cluster for this run, migrated with the demo data
        p.put("careledger.embedded-postgres.ephemeral", "true");
        p.put("careledger.embedded-postgres.data-directory", CLUSTERS.toString());
        p.put("careledger.embedded-postgres.install-directory", "target/postgres");
        // no job runs while the heap is measured
        p.put("careledger.notifications.cron", "-");
        p.put("careledger.reporting.refresh-initial-delay", "PT24H");
        p.put("careledger.audit-seal.initial-delay", "PT24H");
        p.put("spring.main.banner-mode", "off");
        // development mode records where every component was made and attached (a Throwable each); off, the heap is
        // closer to production mode's, which never records them
        p.put("vaadin.devmode.componentTracker.enabled", String.valueOf(componentTracker));
        return p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static String jvm() {
        var runtime = java.lang.management.ManagementFactory.getRuntimeMXBean();
        var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        String gc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).reduce((a, b) -> a + ", " + b).orElse("?");
        List<String> heapFlags = runtime.getInputArguments().stream()
                .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:") && a.contains("Heap") || a.startsWith("-XX:+Use"))
                .toList();
        return "%s; max heap %d MB%s; collectors %s".formatted(System.getProperty("java.runtime.version"),
                heap.getMax() / (1024 * 1024), heapFlags.isEmpty() ? "" : " (" + String.join(" ", heapFlags) + ")", gc);
    }

    // ------------------------------------------------------------------------------------------------
    // Command
    // ------------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchOptions.parse(args, Set.of("no-write", "no-component-tracker"), "bench/sessions");
        if (o.containsKey("help")) {
            System.out.println("""
                    bench/sessions [--sessions 50,200]          the steps of N, increasing
                                   [--users EMAIL,...]          sign-ins used in turn (default admin@sanjeevani.test)
                                   [--password P]               their password (default the demo password)
                                   [--warmup 30] [--rounds 3]   warm-up sessions; keep-alive rounds per step
                                   [--out docs/benchmarks.md]   the file whose "Portal sessions" section is replaced
                                   [--no-component-tracker]     Vaadin's development-mode component tracker off
                                   [--no-write]                 print only""");
            return;
        }
        List<Integer> steps = Arrays.stream(o.getOrDefault("sessions", "50,200").split(",")).map(String::strip)
                .map(Integer::parseInt).toList();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) < 1 || i > 0 && steps.get(i) <= steps.get(i - 1)) {
                throw new IllegalArgumentException("--sessions takes increasing numbers of at least 1, e.g. 50,200; got "
                        + o.get("sessions"));
            }
        }
        List<String> users = Arrays.stream(o.getOrDefault("users", "admin@sanjeevani.test").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (users.isEmpty()) {
            throw new IllegalArgumentException("--users names no sign-in");
        }
        Settings settings = new Settings(steps, users, o.getOrDefault("password", "CareLedger#2026"),
                Integer.parseInt(o.getOrDefault("warmup", "30")), Integer.parseInt(o.getOrDefault("rounds", "3")), 15,
                !o.containsKey("no-component-tracker"));
        removeEarlierClusters();
        Report report = new SessionCost(settings).run();
        String command = ("bench/sessions " + String.join(" ", args)).strip();
        String section = SessionReport.markdown(report, command);
        if (o.containsKey("no-write")) {
            System.out.println(section);
        } else {
            Path file = Path.of(o.getOrDefault("out", "docs/benchmarks.md"));
            SessionReport.writeSection(file, section);
            System.out.println("[bench] written the section \"" + SessionReport.TITLE + "\" of " + file);
        }
        System.exit(0);
    }
}
