package com.careledger.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

/**
 * A database for tests whose work must be <em>committed</em> to be seen by other connections: races with real
 * threads and real connections. It lives on the test run's one PostgreSQL server ({@link TestDatabase#server()})
 * as a second database, {@value #DATABASE}, built the same way (Flyway: the migrations and the demo data), so the
 * rolled-back tests on {@link TestDatabase} never see what is committed here, and platform-wide sums there stay
 * exact.
 *
 * <p>How to use it:
 * <ul>
 *   <li>Every test makes its <em>own</em> facility here with a unique name (and admin e-mail), e.g. by passing a
 *       session from {@link #openWithDefinerAccess()} to the fixtures in {@code OnlinePayments} or
 *       {@code CashCounter} with a random tag, commits it, and asserts only on that facility's rows: data of
 *       earlier tests and earlier runs of the same JVM stay, nothing is cleaned up.</li>
 *   <li>{@link #open()} gives an {@link AppSession} of the app role ({@code careledger_app}) on a new connection,
 *       auto-commit off. The request context is set with {@link AppSession#as} through
 *       {@code app.set_current_user}/{@code app.set_current_tenant}, with {@code SET LOCAL ROLE careledger_patient}
 *       for a patient ({@code careledger_app} otherwise), and is local to the transaction: call
 *       {@code as(user, tenant)} again after every {@link AppSession#commit()}. Closing rolls back what is not
 *       committed.</li>
 *   <li>{@link #openWithDefinerAccess()} is the same with {@link AppSession#asDefiner} for fixtures only a
 *       definer function writes (a clerk's sign-in). Its connection is the app role for the session; the role a
 *       context sets is local to the transaction and falls back to the app role at commit.</li>
 *   <li>{@link #race(int, int, Task)} runs {@code tasks} tasks on {@code threads} threads, each thread with its own
 *       app-role connection, all released together by a latch (no sleeps). A task sets its context, does its work,
 *       and commits; a task that throws an {@link SQLException} is rolled back and reported in the
 *       {@link Outcome}. Assert on the outcomes and on the committed rows, never on timing.</li>
 * </ul>
 * Example, for the settlement races to come ({@code app.approve_settlement} stands for whatever the settlement
 * migration names it): 32 threads approve one settlement at once, exactly one wins.
 * <pre>{@code
 * List<Outcome<String>> outcomes = CommittedDatabase.race(32, 32, (s, i) -> {
 *     s.as(SUPER_ADMIN, facility);
 *     String r = s.string("select app.approve_settlement(?)::text", settlement);
 *     s.commit();
 *     return r;
 * });
 * assertThat(outcomes).filteredOn(Outcome::succeeded).hasSize(1);
 * }</pre>
 */
public final class CommittedDatabase {

    public static final String DATABASE = "careledger_committed";

    private static @Nullable String url;

    private CommittedDatabase() {
    }

    /** The database's JDBC address; creates and migrates it at the first call of the JVM. */
    public static synchronized String url() {
        if (url == null) {
            var server = TestDatabase.server();
            server.prepareDatabase(DATABASE, EmbeddedPostgresAutoConfiguration.OWNER_ROLE,
                    EmbeddedPostgresAutoConfiguration.rolesScript());
            String address = server.jdbcUrl(DATABASE);
            Flyway.configure()
                    .dataSource(address, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE,
                            server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE))
                    .locations("classpath:db/migration", "classpath:db/demo")
                    .placeholders(Map.of("demo_password", TestDatabase.DEMO_PASSWORD))
                    .load()
                    .migrate();
            url = address;
        }
        return url;
    }

    /** A session of the app role on a new connection; auto-commit off, nothing committed unless it commits. */
    public static AppSession open() throws SQLException {
        url();
        Connection c = TestDatabase.server().connect(DATABASE, EmbeddedPostgresAutoConfiguration.APP_ROLE);
        c.setAutoCommit(false);
        return AppSession.on(c);
    }

    /**
     * A session of the app role (for the whole connection, commits included) on a superuser connection, so that
     * fixtures may use {@link AppSession#asDefiner}. For fixtures only, never for the work under test.
     */
    public static AppSession openWithDefinerAccess() throws SQLException {
        url();
        Connection c = TestDatabase.server().connectAsSuperuser(DATABASE);
        try (Statement st = c.createStatement()) {
            st.execute("set role " + EmbeddedPostgresAutoConfiguration.APP_ROLE);
        }
        c.setAutoCommit(false);
        return AppSession.onWithDefinerAccess(c);
    }

    /**
     * One task of a race: sets its context, works, commits; {@code taskNo} is 0..tasks-1. An {@link SQLException}
     * becomes the task's {@link Outcome}; any other exception fails the race.
     */
    @FunctionalInterface
    public interface Task<T> {
        T run(AppSession session, int taskNo) throws Exception;
    }

    /** What one task did: its value, or the error that rolled it back. */
    public record Outcome<T>(int taskNo, @Nullable T value, @Nullable SQLException error) {
        public boolean succeeded() {
            return error == null;
        }

        /** The SQLSTATE of the error, or null. */
        public @Nullable String sqlState() {
            return error == null ? null : error.getSQLState();
        }
    }

    /**
     * Runs {@code tasks} tasks on {@code threads} threads, each with its own app-role connection, started together;
     * returns the outcomes in task order. Fails (rather than hangs) if the tasks take more than a minute.
     */
    public static <T> List<Outcome<T>> race(int threads, int tasks, Task<T> task) throws Exception {
        List<AppSession> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                sessions.add(open());
            }
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger next = new AtomicInteger();
            List<Outcome<T>> outcomes = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> workers = new ArrayList<>();
            for (AppSession session : sessions) {
                workers.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    for (int n = next.getAndIncrement(); n < tasks; n = next.getAndIncrement()) {
                        try {
                            outcomes.add(new Outcome<>(n, task.run(session, n), null));
                        } catch (SQLException e) {
                            session.connection().rollback();
                            outcomes.add(new Outcome<>(n, null, e));
                        }
                    }
                    return null;
                }));
            }
            ready.await(1, TimeUnit.MINUTES);
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(1, TimeUnit.MINUTES);
            }
            List<Outcome<T>> sorted = new ArrayList<>(outcomes);
            sorted.sort((a, b) -> Integer.compare(a.taskNo(), b.taskNo()));
            return sorted;
        } finally {
            pool.shutdownNow();
            for (AppSession session : sessions) {
                session.close();
            }
        }
    }
}
