package com.careledger.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a run is: the facility-days simulated (the workers count them), the money rows inserted (from the
 * statistics collector), the rate and the time left; and what bench.facility_progress says is done.
 */
final class GenerationProgress {

    private final DataGenerator.Target target;
    private final BenchLog log;
    private final AtomicLong facilityDaysDone = new AtomicLong();

    GenerationProgress(DataGenerator.Target target, BenchLog log) {
        this.target = target;
        this.log = log;
    }

    /** Facility number (0-based) to the last day done for it (-1: set up, no day yet). */
    static Map<Integer, Integer> lastDays(DataGenerator.Target target) throws SQLException {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select facility_no, last_day from bench.facility_progress")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return out;
    }

    void setFacilityDaysDone(long days) {
        facilityDaysDone.set(days);
    }

    long facilityDaysDone() {
        return facilityDaysDone.get();
    }

    void dayDone() {
        facilityDaysDone.incrementAndGet();
    }

    /** Rows inserted into the money tables so far, from the statistics collector (all partitions). */
    long moneyRowsInserted() {
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

    void report(long totalDays, long baseline, long start, long doneAtStart) {
        long done = facilityDaysDone.get();
        long rows = moneyRowsInserted() - baseline;
        double seconds = Math.max(0.001, (System.nanoTime() - start) / 1e9);
        long newlyDone = done - doneAtStart;
        String eta = newlyDone <= 0 ? "?" : human(Duration.ofSeconds((long) (seconds * (totalDays - done) / newlyDone)));
        log.log("progress %5.1f%%  facility-days %,d/%,d  money rows %,d (%,.0f rows/s)  elapsed %s  eta %s",
                100.0 * done / totalDays, done, totalDays, rows, rows / seconds, human(Duration.ofSeconds((long) seconds)), eta);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? "%dh%02dm".formatted(s / 3600, s % 3600 / 60) : s >= 60 ? "%dm%02ds".formatted(s / 60, s % 60) : s + "s";
    }
}
