package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.context;
import static com.careledger.bench.BenchmarkRun.exec;
import static com.careledger.bench.BenchmarkRun.uuid;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.careledger.bench.Benchmarks.ProfileRow;
import com.careledger.bench.PostingBills.Bill;

/**
 * Section 2 of the report, after the posting measurement: where one {@code app.collect_cash} goes, per PL/pgSQL or
 * SQL function the calls and self time per collection, from {@code pg_stat_user_functions} with function tracking
 * on (not during the measurement: tracking costs time).
 */
final class CollectionProfile {

    private final BenchmarkRun s;

    CollectionProfile(BenchmarkRun s) {
        this.s = s;
    }

    /** One clerk collects a few bills with function tracking on, and the statistics say which functions the calls went to. */
    List<ProfileRow> measure() throws Exception {
        UUID postingFacility = s.postingFacility;
        UUID clerk;
        UUID patient;
        UUID service;
        try (Connection c = s.superuser()) {
            clerk = PostingBills.clerk(postingFacility, 0);
            patient = PostingBills.patient(c, postingFacility);
            service = PostingBills.service(c, postingFacility);
        }
        int n = Math.max(2, s.it.billsPerClerk() / 2);
        List<Bill> bills = PostingBills.prepare(s, clerk, patient, service, n);
        Map<String, double[]> before = functionStats();
        try (Connection c = s.target.connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("set track_functions = 'all'");
                st.execute("set role " + APP_ROLE);
            }
            c.setAutoCommit(false);
            context(c, clerk, postingFacility);
            UUID shift = uuid(c, "select app.open_shift(0)");
            c.commit();
            int i = 0;
            for (Bill b : bills) {
                context(c, clerk, postingFacility);
                exec(c, "select app.collect_cash(?, ?, ?)", b.id(), b.totalPaise(), "bench-profile-" + b.id() + "-" + i++);
                c.commit();
            }
            context(c, clerk, postingFacility);
            exec(c, "select app.close_shift(?, ?)", shift, bills.stream().mapToLong(Bill::totalPaise).sum());
            c.commit();
            try (Statement st = c.createStatement()) {
                st.execute("select pg_stat_force_next_flush()");
            }
            c.commit();
        }
        // the flush happens when the session goes idle after its transaction; wait for it to show
        Map<String, double[]> after = functionStats();
        for (int tries = 0; tries < 50 && after.equals(before); tries++) {
            Thread.sleep(100);
            after = functionStats();
        }
        List<ProfileRow> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : after.entrySet()) {
            double[] b = before.getOrDefault(e.getKey(), new double[2]);
            double calls = e.getValue()[0] - b[0];
            double self = e.getValue()[1] - b[1];
            if (calls > 0) {
                out.add(new ProfileRow(e.getKey(), calls / n, self / n));
            }
        }
        out.sort((x, y) -> Double.compare(y.selfMsPerCollection(), x.selfMsPerCollection()));
        // open_shift, close_shift and set_current_* are not part of a collection's own cost
        return out.stream().limit(15).toList();
    }

    private Map<String, double[]> functionStats() throws SQLException {
        Map<String, double[]> out = new LinkedHashMap<>();
        try (Connection c = s.superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select schemaname || '.' || funcname || '(' || pg_get_function_identity_arguments(funcid) || ')',
                            calls, self_time from pg_stat_user_functions""")) {
            while (rs.next()) {
                out.put(rs.getString(1), new double[] {rs.getLong(2), rs.getDouble(3)});
            }
        }
        return out;
    }
}
