package com.careledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import com.careledger.bench.ServerTiming.Kind;
import com.careledger.bench.SessionCost.Report;
import com.careledger.bench.SessionCost.Step;
import com.careledger.bench.SessionCost.Times;

/**
 * The session benchmark's section of docs/benchmarks.md ({@link SessionCost}), between two marker comments, so that
 * {@code bench/sessions} replaces only its own section and {@code bench/run}, which writes the rest of the file, keeps
 * it ({@link #keepSection}).
 */
final class SessionReport {

    static final String TITLE = "Portal sessions";
    static final String BEGIN = "<!-- bench/sessions writes this section; bench/run keeps it -->";
    static final String END = "<!-- end of the section bench/sessions writes -->";

    static final double HEAP_GOAL_BYTES = 1024 * 1024;
    static final double TIME_GOAL_MS = 50;

    private SessionReport() {
    }

    /** Replaces the section in the file, or appends it when the file has none (or does not exist). */
    static void writeSection(Path file, String section) throws IOException {
        String old = Files.exists(file) ? Files.readString(file) : "";
        Files.writeString(file, replaceSection(old, section));
    }

    /** The text with its session section replaced by this one, or with it appended. */
    static String replaceSection(String text, String section) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            return text.substring(0, begin) + section + text.substring(end + END.length());
        }
        if (begin >= 0 || end >= 0) {
            throw new IllegalStateException("the file has only one of the session section's two markers");
        }
        String head = text.isEmpty() || text.endsWith("\n\n") ? text : text.endsWith("\n") ? text + "\n" : text + "\n\n";
        return head + section + "\n";
    }

    /** A newly written report with the session section of the file it replaces carried over (none: unchanged). */
    static String keepSection(String oldText, String newText) {
        int begin = oldText.indexOf(BEGIN);
        int end = oldText.indexOf(END);
        if (begin < 0 || end < begin) {
            return newText;
        }
        return replaceSection(newText, oldText.substring(begin, end + END.length()));
    }

    static String markdown(Report r, String command) {
        StringBuilder md = new StringBuilder();
        Step last = r.steps().getLast();
        md.append(BEGIN).append("\n## ").append(TITLE).append("\n\n");
        md.append("Written by `").append(command).append("` (bench/README.md, \"Session cost\") on ")
                .append(r.at().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)))
                .append(", in ").append(r.elapsed().toSeconds()).append(" s (the portal started in ")
                .append(r.startup().toSeconds()).append(" s). Rerun the command to replace this section; `bench/run` keeps it.\n\n");
        md.append("""
                The portal runs in the benchmark's JVM (from the test class path: Vaadin in development mode, as
                `./mvnw spring-boot:run` runs it, on a throw-away embedded PostgreSQL with the demo data). The benchmark
                opens signed-in sessions one by one at HTTP level, the requests Vaadin Flow's client makes (below),
                keeps every one alive, and at each N reads the heap after a full collection and the server time of the
                requests. All sessions sign in as %s and land on `/%s`. Component tracker (development mode's record of
                where each component was made): %s.

                """.formatted(String.join(", ", r.settings().users().stream().map(u -> "`" + u + "`").toList()),
                r.landing(), r.settings().componentTracker() ? "on, as in `spring-boot:run`" : "off"));

        md.append("| | |\n|---|---|\n");
        for (var e : r.machine().entrySet()) {
            if (!e.getKey().equals("database")) {
                md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
            }
        }
        md.append("| jvm | ").append(r.jvm()).append(" |\n\n");

        md.append("| measure | goal | measured | met |\n|---|---|---|---|\n");
        for (Step s : r.steps()) {
            md.append(String.format(Locale.ROOT, "| heap per idle session, N = %d | ≤ 1 MiB | %s | %s |%n", s.sessions(),
                    kb(s.bytesPerSession()), s.bytesPerSession() <= HEAP_GOAL_BYTES ? "yes" : "**no**"));
        }
        for (Step s : r.steps()) {
            md.append(String.format(Locale.ROOT, "| server time p95 of the live sessions' requests (heartbeat, UIDL), N = %d | ≤ 50 ms | %.1f ms | %s |%n",
                    s.sessions(), s.keepAliveAll().serverP95(), met(s.keepAliveAll().serverP95())));
            md.append(String.format(Locale.ROOT, "| server time p95 of opening a session, every request but the password check, N = %d | ≤ 50 ms | %.1f ms | %s |%n",
                    s.sessions(), s.openingButSignIn().serverP95(), met(s.openingButSignIn().serverP95())));
            Times signIn = s.opening().get(Kind.SIGN_IN);
            md.append(String.format(Locale.ROOT, "| server time p95 of the password check (`POST /login`), N = %d | ≤ 50 ms | %.1f ms | %s |%n",
                    s.sessions(), signIn.serverP95(), met(signIn.serverP95())));
        }
        md.append("""

                What takes the time is in the tables below: the landing page's first rendering, with its database
                transactions, and the password check, whose bcrypt (in the database, `app.sign_in`) is slow by
                design; bench/README.md, "Session cost", says what they are made of.
                """);
        md.append("\n### Heap\n\n");
        md.append("""
                Live heap: the total of the class histogram of reachable objects (`GC.class_histogram`, a full
                collection), the figure divided; beside it the heap in use per `MemoryMXBean` after `System.gc()`.
                Per session: (heap with N sessions − heap with none) ÷ N. The HTTP sessions, Vaadin sessions and UIs
                are counted in the portal at the moment of the reading (a session listener and the Vaadin session in
                each HTTP session): each session holds one UI, its sign-in page's UI having been closed by the unload
                beacon.

                | N | HTTP sessions | Vaadin sessions | UIs | live heap | per session | in use after GC | per session |
                |---:|---:|---:|---:|---:|---:|---:|---:|
                """);
        md.append(String.format(Locale.ROOT, "| 0 | %d | %d | %d | %s | | %s | |%n", r.baselineAlive().httpSessions(),
                r.baselineAlive().vaadinSessions(), r.baselineAlive().uis(), mb(r.baseline().liveBytes()),
                mb(r.baseline().usedAfterGc())));
        for (Step s : r.steps()) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %s | %s | %s |%n", s.sessions(),
                    s.alive().httpSessions(), s.alive().vaadinSessions(), s.alive().uis(), mb(s.heap().liveBytes()),
                    kb(s.bytesPerSession()), mb(s.heap().usedAfterGc()), kb(s.usedBytesPerSession())));
        }
        if (r.steps().size() > 1) {
            Step first = r.steps().getFirst();
            double marginal = (last.heap().liveBytes() - first.heap().liveBytes()) / (double) (last.sessions() - first.sessions());
            md.append(String.format(Locale.ROOT, "%nBetween N = %d and N = %d each further session added %s.%n",
                    first.sessions(), last.sessions(), kb(marginal)));
        }
        md.append(String.format(Locale.ROOT, """

                What the heap of the sessions is made of: the classes that grew most from N = 0 to N = %d, per session
                (the client's own state, a few strings per session, is among the strings: under 0.5 KB). With the
                component tracker on, the stack traces of its Throwables (`[J`, `[I`, `[S`, much of
                `[Ljava.lang.Object;`, `java.lang.Throwable`, `java.util.WeakHashMap$Entry`) are most of it.

                | class | objects per session | bytes per session |
                |---|---:|---:|
                """, last.sessions()));
        for (HeapProbe.Growth g : r.growth()) {
            md.append(String.format(Locale.ROOT, "| `%s` | %.1f | %,.0f |%n", g.className(), g.instancesPerSession(),
                    g.bytesPerSession()));
        }

        md.append("\n### Server time per request\n\n");
        md.append("""
                Server time: from entering the first servlet filter (one the benchmark adds ahead of all others) to
                leaving it with the response written. Transactions: the database transactions the request made (the
                portal's transaction manager, wrapped by the benchmark, from the outermost `getTransaction` to its
                commit), per request on average, and the time they were open. The client's round trip on the loopback
                (from sending to having read the whole answer, one request at a time) beside it. "Opening" is signing in the sessions that
                make up N (from the previous N); "live" is %d round(s) over all N sessions of a heartbeat and a click
                on the menu link of the page shown (a UIDL round trip; Vaadin keeps the view). Milliseconds.

                """.formatted(r.settings().rounds()));
        for (Step s : r.steps()) {
            md.append(String.format(Locale.ROOT, "N = %d (opening the sessions took %.1f s):%n%n", s.sessions(),
                    s.openingTook().toMillis() / 1000.0));
            md.append("| phase | request | count | server p50 | server p95 | server max | transactions per request | in transactions p50 | in transactions p95 | round trip p50 | round trip p95 |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            rows(md, "opening", s.opening());
            row(md, "opening", "all of the above", s.openingAll());
            row(md, "opening", "all but the password check", s.openingButSignIn());
            rows(md, "live", s.keepAlive());
            row(md, "live", "all of the above", s.keepAliveAll());
            md.append('\n');
        }
        md.append(END);
        return md.toString();
    }

    private static void rows(StringBuilder md, String phase, Map<Kind, Times> times) {
        times.forEach((kind, t) -> row(md, phase, kind.label, t));
    }

    private static void row(StringBuilder md, String phase, String label, Times t) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                phase, label, t.count(), t.serverP50(), t.serverP95(), t.serverMax(), t.transactions(),
                t.inTransactionsP50(), t.inTransactionsP95(), t.clientP50(), t.clientP95()));
    }

    private static String met(double p95) {
        return p95 <= TIME_GOAL_MS ? "yes" : "**no**";
    }

    private static String kb(double bytes) {
        return String.format(Locale.ROOT, "%,.0f KiB", bytes / 1024);
    }

    private static String mb(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
    }
}
