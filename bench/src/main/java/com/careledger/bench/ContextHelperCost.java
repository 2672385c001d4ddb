package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.median;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import com.careledger.bench.Benchmarks.HelperRow;

/**
 * Section 1 of the report, beside the RLS cost: what one evaluation of the request context costs, each helper the
 * policies and definer functions call timed alone as the app role with the facility admin's context (medians of
 * single-statement transactions).
 */
final class ContextHelperCost {

    /** What one evaluation of the request context costs: the calls every policy and definer function makes. */
    static final List<String> HELPERS = List.of(
            "select app.request_context_cached()",
            "select app.context_is_signed()", "select app.current_user_id()", "select app.current_user_role()",
            "select app.visible_facilities()", "select app.administered_facilities()",
            "select app.set_current_user(?::uuid, ?), app.set_current_tenant(?::uuid)");

    private final BenchmarkRun s;

    ContextHelperCost(BenchmarkRun s) {
        this.s = s;
    }

    List<HelperRow> measure() throws SQLException {
        List<HelperRow> out = new ArrayList<>();
        try (Connection app = s.as(APP_ROLE)) {
            for (String sql : HELPERS) {
                try (PreparedStatement ps = app.prepareStatement(sql)) {
                    if (sql.contains("?")) {
                        ps.setObject(1, s.facilityAdmin, Types.OTHER);
                        ps.setString(2, BenchProofs.proof(app, s.facilityAdmin));
                        ps.setObject(3, s.facility, Types.OTHER);
                    }
                    double[] t = new double[s.it.rlsRounds()];
                    for (int i = 0; i < s.it.warmup() + s.it.rlsRounds(); i++) {
                        double ms = s.time(app, ps, true);
                        if (i >= s.it.warmup()) {
                            t[i - s.it.warmup()] = ms;
                        }
                    }
                    HelperRow row = new HelperRow(sql.replace("?::uuid", "…").replace("?", "…"), median(t));
                    s.log("helper %-60s %8.3f ms", row.call(), row.ms());
                    out.add(row);
                }
            }
        }
        return out;
    }
}
