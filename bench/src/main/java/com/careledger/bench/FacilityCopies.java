package com.careledger.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * The set-based path of a run: each facility from the templates on is copied from its template, one facility per
 * transaction, as the superuser with triggers and foreign-key checks off ({@link FacilityClone}), after the
 * templates are complete. One lane per worker, each on its own connection, taking all the copies of its templates
 * so it reads each template once. Resumable: a facility recorded in bench.facility_progress is there already.
 */
final class FacilityCopies {

    private final DataGenerator.Target target;
    private final Size size;
    private final long seed;
    private final int templates;
    private final int firstFacility;
    private final int workers;
    /** The facility whose plan (and so whose rows) facility {@code no} follows: its template. */
    private final IntUnaryOperator planOf;
    private final BenchLog log;

    FacilityCopies(DataGenerator.Target target, Size size, long seed, int templates, int firstFacility, int workers,
                   IntUnaryOperator planOf, BenchLog log) {
        this.target = target;
        this.size = size;
        this.seed = seed;
        this.templates = templates;
        this.firstFacility = firstFacility;
        this.workers = workers;
        this.planOf = planOf;
        this.log = log;
    }

    void run() throws SQLException {
        Map<Integer, Integer> done = GenerationProgress.lastDays(target);
        Map<Integer, UUID> ids = new LinkedHashMap<>();
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select facility_no, facility_id from bench.facility_progress")) {
            while (rs.next()) {
                ids.put(rs.getInt(1), rs.getObject(2, UUID.class));
            }
        }
        List<Integer> todo = IntStream.range(Math.max(firstFacility, templates), size.facilities())
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
        todo.stream().sorted(Comparator.comparingInt(planOf::applyAsInt).thenComparingInt(f -> f))
                .forEach(f -> lanesTodo.get(planOf.applyAsInt(f) % lanes).add(f));
        long start = System.nanoTime();
        AtomicLong rows = new AtomicLong(), lastLog = new AtomicLong();
        AtomicInteger n = new AtomicInteger();
        log.log("copying %d facilities set-based from their templates (%d already there), %d workers",
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
                        log.log("copied %,d/%,d facilities  rows %,d (%,.0f rows/s)  elapsed %s  eta %s", k, todo.size(), rows.get(),
                                rows.get() / seconds, GenerationProgress.human(Duration.ofSeconds((long) seconds)),
                                GenerationProgress.human(Duration.ofSeconds((long) (seconds * (todo.size() - k) / k))));
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
        } catch (ExecutionException e) {
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
                int t = planOf.applyAsInt(f);
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
}
