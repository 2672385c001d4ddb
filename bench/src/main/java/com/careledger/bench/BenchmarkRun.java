package com.careledger.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the measurements of one benchmark run share: the database and the iteration counts, the measured facility
 * and its people (chosen by {@link Benchmarks}), connections as a role, the signed request context, a timed run of
 * a prepared query, clerks started together, and the statistics the report gives.
 */
final class BenchmarkRun {

    static final String APP_ROLE = Benchmarks.APP_ROLE;

    final DataGenerator.Target target;
    final Benchmarks.Iterations it;
    private final boolean quiet;

    /** The facility with the most bills: the one measured. */
    final UUID facility;
    /** Where the posting benchmark writes: the facility with the fewest bills, so the measured one stays as generated. */
    final UUID postingFacility;
    final UUID facilityAdmin;
    final UUID superAdmin;
    /** The month before the current one (the dashboards' month), and the current one. */
    final LocalDate month;
    final LocalDate currentMonth;

    BenchmarkRun(DataGenerator.Target target, Benchmarks.Iterations it, boolean quiet, UUID facility,
                 UUID postingFacility, UUID facilityAdmin, UUID superAdmin, LocalDate month, LocalDate currentMonth) {
        this.target = target;
        this.it = it;
        this.quiet = quiet;
        this.facility = facility;
        this.postingFacility = postingFacility;
        this.facilityAdmin = facilityAdmin;
        this.superAdmin = superAdmin;
        this.month = month;
        this.currentMonth = currentMonth;
    }

    // ------------------------------------------------------------------------------------------------
    // Connections and the request context
    // ------------------------------------------------------------------------------------------------

    Connection superuser() throws SQLException {
        return target.connect();
    }

    Connection as(String role) throws SQLException {
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
        try (PreparedStatement ps = c.prepareStatement("select app.set_current_user(?, ?), app.set_current_tenant(?)")) {
            ps.setObject(1, user, Types.OTHER);
            ps.setString(2, BenchProofs.proof(c, user));
            ps.setObject(3, tenant, Types.OTHER);
            ps.execute();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Timed runs
    // ------------------------------------------------------------------------------------------------

    /** One run as the app: the context set in the transaction (not timed), then the query (timed). */
    double time(Connection c, PreparedStatement ps, boolean app) throws SQLException {
        long[] t = new long[1];
        if (app) {
            runApp(c, ps, t);
        } else {
            runPlain(c, ps, t);
        }
        return t[0] / 1e6;
    }

    String runApp(Connection c, PreparedStatement ps, long[] nanos) throws SQLException {
        context(c, facilityAdmin, facility);
        String s = runPlain(c, ps, nanos);
        return s;
    }

    static String runPlain(Connection c, PreparedStatement ps, long[] nanos) throws SQLException {
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

    interface Work {
        Object run(int k) throws Exception;
    }

    /** n threads start together; seconds from the start until the last one finishes. */
    static double parallel(int n, Work work) throws Exception {
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

    // ------------------------------------------------------------------------------------------------
    // Statements
    // ------------------------------------------------------------------------------------------------

    static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.execute();
        }
    }

    static UUID uuid(Connection c, String sql, Object... params) throws SQLException {
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

    // ------------------------------------------------------------------------------------------------
    // Statistics and output
    // ------------------------------------------------------------------------------------------------

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

    void log(String format, Object... args) {
        if (!quiet) {
            System.out.printf("[bench] " + format + "%n", args);
        }
    }
}
