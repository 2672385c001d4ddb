package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.percentile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.careledger.bench.Benchmarks.ReaderRow;

/**
 * Section 4 of the report, second half: the facility's admin reads each {@code app.report_*} wrapper, first with
 * nothing else running, then while another connection refreshes every view over and over.
 */
final class ReadersDuringRefresh {

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

    private final BenchmarkRun s;
    /** The views the refresher goes through, one after the other. */
    private final List<String> views;

    ReadersDuringRefresh(BenchmarkRun s, List<String> views) {
        this.s = s;
        this.views = views;
    }

    List<ReaderRow> measure() throws Exception {
        List<ReaderRow> out = new ArrayList<>();
        try (Connection app = s.as(APP_ROLE)) {
            for (Reader reader : READERS) {
                try (PreparedStatement ps = app.prepareStatement(reader.sql())) {
                    if (reader.facilityParam()) {
                        ps.setObject(1, s.facility, Types.OTHER);
                    }
                    for (int i = 0; i < s.it.warmup(); i++) {
                        s.runApp(app, ps, null);
                    }
                    double[] quiet = new double[s.it.readerRuns()];
                    for (int i = 0; i < s.it.readerRuns(); i++) {
                        quiet[i] = s.time(app, ps, true);
                    }
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicBoolean refreshing = new AtomicBoolean();
                    AtomicReference<Exception> failure = new AtomicReference<>();
                    CountDownLatch started = new CountDownLatch(1);
                    Thread refresher = new Thread(() -> {
                        try (Connection r = s.as(APP_ROLE)) {
                            int k = 0;
                            while (!stop.get()) {
                                refreshing.set(true);
                                started.countDown();
                                ViewRefresh.refreshOnce(r, views.get(k++ % views.size()));
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
                    for (int i = 0; i < s.it.readerRuns(); i++) {
                        during.add(s.time(app, ps, true));
                    }
                    stop.set(true);
                    refresher.join();
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                    double[] d = during.stream().mapToDouble(Double::doubleValue).toArray();
                    ReaderRow row = new ReaderRow(reader.name(), percentile(quiet, 50), percentile(quiet, 95),
                            percentile(d, 50), percentile(d, 95), d.length);
                    s.log("reader %-50s quiet p50 %7.2f p95 %7.2f | during refresh p50 %7.2f p95 %7.2f ms", reader.name(),
                            row.quietP50(), row.quietP95(), row.duringP50(), row.duringP95());
                    out.add(row);
                }
            }
        }
        return out;
    }
}
