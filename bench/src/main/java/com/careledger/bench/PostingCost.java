package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.context;
import static com.careledger.bench.BenchmarkRun.exec;
import static com.careledger.bench.BenchmarkRun.median;
import static com.careledger.bench.BenchmarkRun.parallel;
import static com.careledger.bench.BenchmarkRun.uuid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.careledger.bench.Benchmarks.PostingRow;
import com.careledger.bench.DirectWrites.WriteSet;
import com.careledger.bench.PostingBills.Bill;

/**
 * Section 2 of the report, posting cost: {@code app.collect_cash} as the portal calls it, against a bare insert of
 * the same row shape into {@code bench.bare_cash_collections} and against the same row writes made directly
 * ({@link DirectWrites}), at 1, 4 and 16 clerks, each a thread with its own connection, shift and bills made
 * beforehand. The clerks ({@code Benchmark clerk 1..16}) are made at the posting facility; their collections stay.
 */
final class PostingCost {

    static final int[] CLERK_LEVELS = {1, 4, 16};

    private final BenchmarkRun s;
    private final UUID postingFacility;
    /** The like-for-like baseline; keeps its update statements from round to round. */
    private final DirectWrites direct;

    PostingCost(BenchmarkRun s) {
        this.s = s;
        this.postingFacility = s.postingFacility;
        this.direct = new DirectWrites(s);
    }

    List<PostingRow> measure() throws Exception {
        int maxClerks = Arrays.stream(CLERK_LEVELS).max().orElseThrow();
        List<UUID> clerks = new ArrayList<>();
        UUID patient;
        UUID service;
        try (Connection c = s.superuser(); Statement st = c.createStatement()) {
            st.execute("create schema if not exists bench");
            st.execute("create table if not exists bench.bare_cash_collections (like public.cash_collections including defaults)");
            patient = PostingBills.patient(c, postingFacility);
            service = PostingBills.service(c, postingFacility);
            // the benchmark's clerks at the posting facility, the same ones every run: sign-ins that cannot sign in
            c.setAutoCommit(false);
            st.execute("set local role careledger_definer");
            for (int i = 0; i < maxClerks; i++) {
                UUID user = PostingBills.clerk(postingFacility, i);
                exec(c, """
                        insert into users (id, email, display_name, password_hash, role, facility_id)
                        values (?, ?, ?, '!', 'staff', ?) on conflict do nothing""",
                        user, "bench-clerk-" + i + "-" + postingFacility.toString().substring(0, 8) + "@bench.careledger.test",
                        "Benchmark clerk " + (i + 1), postingFacility);
                exec(c, """
                        insert into staff (facility_id, user_id, kind, display_name)
                        select ?, ?, 'billing', ? where not exists (select 1 from staff where facility_id = ? and user_id = ?)""",
                        postingFacility, user, "Benchmark clerk " + (i + 1), postingFacility, user);
                clerks.add(user);
            }
            c.commit();
            c.setAutoCommit(true);
            // a shift left open by an interrupted run
            st.execute("set role " + APP_ROLE);
        }
        closeOpenShifts(clerks);
        List<PostingRow> out = new ArrayList<>();
        for (int level : CLERK_LEVELS) {
            double[] app = new double[s.it.postingRounds()];
            double[] bare = new double[s.it.postingRounds()];
            double[] directs = new double[s.it.postingRounds()];
            double[] writesPer = new double[s.it.postingRounds()];
            long rows = (long) level * s.it.billsPerClerk();
            for (int round = 0; round < s.it.postingRounds(); round++) {
                List<List<Bill>> bills = new ArrayList<>();
                for (int k = 0; k < level; k++) {
                    bills.add(PostingBills.prepare(s, clerks.get(k), patient, service, s.it.billsPerClerk()));
                }
                app[round] = rows / postApp(clerks.subList(0, level), bills);
                bare[round] = rows / postBare(clerks.subList(0, level), bills);
                List<List<WriteSet>> writes = direct.read(bills);
                writesPer[round] = writes.stream().flatMap(List::stream).mapToInt(WriteSet::rows).average().orElse(0);
                directs[round] = rows / direct.post(writes);
            }
            PostingRow row = new PostingRow(level, rows, median(app), median(bare), median(directs), median(writesPer));
            s.log("posting %2d clerk(s): collect_cash %8.1f rows/s  bare insert %8.1f rows/s  %.1f %%  same %.1f writes direct %8.1f/s  %.1f %%",
                    level, row.appRowsPerSecond(), row.bareRowsPerSecond(), 100 * row.share(), row.writesPerCollection(),
                    row.directRowsPerSecond(), 100 * row.directShare());
            out.add(row);
        }
        return out;
    }

    /** Each clerk on its own connection collects its bills, one request (transaction) each; seconds for all. */
    private double postApp(List<UUID> clerks, List<List<Bill>> bills) throws Exception {
        int n = clerks.size();
        List<Connection> connections = new ArrayList<>();
        List<UUID> shifts = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Connection c = s.as(APP_ROLE);
                connections.add(c);
                context(c, clerks.get(k), postingFacility);
                shifts.add(uuid(c, "select app.open_shift(0)"));
                c.commit();
            }
            double seconds = parallel(n, k -> {
                Connection c = connections.get(k);
                try (PreparedStatement ctx = c.prepareStatement("select app.set_current_user(?, ?), app.set_current_tenant(?)");
                     PreparedStatement ps = c.prepareStatement("select app.collect_cash(?, ?, ?)")) {
                    int i = 0;
                    for (Bill b : bills.get(k)) {
                        ctx.setObject(1, clerks.get(k), Types.OTHER);
                        ctx.setString(2, BenchProofs.proof(c, clerks.get(k)));
                        ctx.setObject(3, postingFacility, Types.OTHER);
                        ctx.execute();
                        ps.setObject(1, b.id(), Types.OTHER);
                        ps.setLong(2, b.totalPaise());
                        ps.setString(3, "bench-" + b.id() + "-" + i++);
                        ps.execute();
                        c.commit();
                    }
                }
                return null;
            });
            for (int k = 0; k < n; k++) {
                Connection c = connections.get(k);
                context(c, clerks.get(k), postingFacility);
                long counted = bills.get(k).stream().mapToLong(Bill::totalPaise).sum();
                exec(c, "select app.close_shift(?, ?)", shifts.get(k), counted);
                c.commit();
            }
            return seconds;
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** The same rows, inserted bare into a copy of the table without triggers, policies or indexes. */
    private double postBare(List<UUID> clerks, List<List<Bill>> bills) throws Exception {
        int n = clerks.size();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Connection c = s.superuser();
                connections.add(c);
            }
            return parallel(n, k -> {
                Connection c = connections.get(k);
                UUID shift = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into bench.bare_cash_collections (facility_id, bill_id, patient_id, shift_id, collected_by,
                            amount_collected_paise, configuration_effective_from, commission_type, commission_rate,
                            commission_fixed_paise, gst_rate, commission_paise, commission_gst_paise, idempotency_key,
                            journal_entry_id, created_by)
                        values (?, ?, ?, ?, ?, ?, now(), 'percentage', 0.02, null, 0.18, ?, ?, ?, ?, ?)""")) {
                    int i = 0;
                    for (Bill b : bills.get(k)) {
                        long commission = Math.round(b.totalPaise() * 0.02);
                        ps.setObject(1, postingFacility, Types.OTHER);
                        ps.setObject(2, b.id(), Types.OTHER);
                        ps.setObject(3, b.patient(), Types.OTHER);
                        ps.setObject(4, shift, Types.OTHER);
                        ps.setObject(5, clerks.get(k), Types.OTHER);
                        ps.setLong(6, b.totalPaise());
                        ps.setLong(7, commission);
                        ps.setLong(8, Math.round(commission * 0.18));
                        ps.setString(9, "bench-" + b.id() + "-" + i++);
                        ps.setObject(10, UUID.randomUUID(), Types.OTHER);
                        ps.setObject(11, clerks.get(k), Types.OTHER);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private void closeOpenShifts(List<UUID> clerks) throws SQLException {
        try (Connection c = s.as(APP_ROLE)) {
            for (UUID clerk : clerks) {
                context(c, clerk, postingFacility);
                try (PreparedStatement ps = c.prepareStatement("""
                        select s.id, s.opening_float_paise + coalesce((select sum(x.amount_collected_paise) from cash_collections x
                                                                        where x.shift_id = s.id), 0)
                        from cashier_shifts s join staff st on st.id = s.staff_id
                        where st.user_id = ? and s.status = 'open'""")) {
                    ps.setObject(1, clerk, Types.OTHER);
                    List<Object[]> open = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            open.add(new Object[] {rs.getObject(1), rs.getLong(2)});
                        }
                    }
                    for (Object[] shift : open) {
                        exec(c, "select app.close_shift(?, ?)", shift[0], shift[1]);
                    }
                }
                c.commit();
            }
        }
    }
}
