package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.percentile;
import static com.careledger.bench.BenchmarkRun.runPlain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import com.careledger.bench.Benchmarks.LatencyRow;

/**
 * Section 3 of the report: latency p50/p95/p99 of the owner's three questions as the portal asks them, as the
 * measured facility's admin, one transaction each (context, call, commit); the call timed alone and the whole
 * request.
 */
final class QuestionLatency {

    static final List<String> QUESTIONS = List.of(
            "select * from app.commission_pending(?)",
            "select * from app.held_for_platform(?)",
            "select * from app.pending_since_last_settlement(?)");

    private final BenchmarkRun s;

    QuestionLatency(BenchmarkRun s) {
        this.s = s;
    }

    List<LatencyRow> measure() throws SQLException {
        List<LatencyRow> out = new ArrayList<>();
        try (Connection app = s.as(APP_ROLE)) {
            for (String sql : QUESTIONS) {
                try (PreparedStatement ps = app.prepareStatement(sql)) {
                    ps.setObject(1, s.facility, Types.OTHER);
                    for (int i = 0; i < s.it.warmup(); i++) {
                        s.runApp(app, ps, null);
                    }
                    double[] query = new double[s.it.latencyRuns()];
                    double[] request = new double[s.it.latencyRuns()];
                    for (int i = 0; i < s.it.latencyRuns(); i++) {
                        long t0 = System.nanoTime();
                        BenchmarkRun.context(app, s.facilityAdmin, s.facility);
                        long[] t = new long[1];
                        String answer = runPlain(app, ps, t);
                        request[i] = (System.nanoTime() - t0) / 1e6;
                        query[i] = t[0] / 1e6;
                        if (answer.isEmpty()) {
                            throw new IllegalStateException(sql + " answered nothing for the facility's admin");
                        }
                    }
                    String name = sql.substring(sql.indexOf("app."), sql.indexOf('('));
                    LatencyRow row = new LatencyRow(name, s.it.latencyRuns(), percentile(query, 50), percentile(query, 95),
                            percentile(query, 99), percentile(request, 95));
                    s.log("latency %-36s p50 %7.2f  p95 %7.2f  p99 %7.2f ms (request p95 %7.2f)", name, row.p50(), row.p95(),
                            row.p99(), row.requestP95());
                    out.add(row);
                }
            }
        }
        return out;
    }
}
