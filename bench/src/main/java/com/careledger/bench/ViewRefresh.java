package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.median;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.careledger.bench.Benchmarks.RefreshRow;

/**
 * Section 4 of the report, first half: the refresh time of each materialized view, through
 * {@code app.refresh_reporting_view} as the report-refresh principal, one committed transaction each, after one
 * refresh of each to fill them.
 */
final class ViewRefresh {

    static final UUID REPORT_REFRESH = UUID.fromString("00000000-0000-4000-8000-000000000002");

    private final BenchmarkRun s;
    private final List<String> views;

    ViewRefresh(BenchmarkRun s, List<String> views) {
        this.s = s;
        this.views = views;
    }

    /** The materialized views the reports read, by the names app.refresh_reporting_view takes. */
    static List<String> views(BenchmarkRun s) throws SQLException {
        List<String> views = new ArrayList<>();
        try (Connection c = s.superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select unnest(app.reporting_view_names())")) {
            while (rs.next()) {
                views.add(rs.getString(1));
            }
        }
        return views;
    }

    List<RefreshRow> measure() throws SQLException {
        List<RefreshRow> out = new ArrayList<>();
        try (Connection r = s.as(APP_ROLE)) {
            // a first refresh of each: the views may never have been filled
            for (String v : views) {
                refreshOnce(r, v);
            }
            for (String v : views) {
                double[] t = new double[s.it.refreshRuns()];
                long rows = 0;
                for (int i = 0; i < s.it.refreshRuns(); i++) {
                    long t0 = System.nanoTime();
                    rows = refreshOnce(r, v);
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
                RefreshRow row = new RefreshRow(v, rows, median(t), Arrays.stream(t).max().orElse(0));
                s.log("refresh %-24s %,9d rows  median %9.1f ms", v, rows, row.medianMs());
                out.add(row);
            }
        }
        return out;
    }

    /** One refresh of a view as the report-refresh principal, committed; the rows it holds after. */
    static long refreshOnce(Connection r, String view) throws SQLException {
        BenchmarkRun.context(r, REPORT_REFRESH, null);
        long rows;
        try (PreparedStatement ps = r.prepareStatement("select skipped, rows_count from app.refresh_reporting_view(?)")) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getBoolean(1) ? -1 : rs.getLong(2);
            }
        }
        r.commit();
        return rows;
    }
}
