package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.exec;
import static com.careledger.bench.BenchmarkRun.parallel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.careledger.bench.PostingBills.Bill;

/**
 * The posting benchmark's like-for-like baseline: the rows each {@code app.collect_cash} of a round wrote, read back
 * after it, then written again directly by the same clerks into indexed copies of their tables
 * ({@code bench.direct_*}), one transaction per collection.
 */
final class DirectWrites {

    /** What one collection wrote: rows inserted per table (JSON arrays), and rows updated (before and after). */
    record WriteSet(Map<String, String> inserts, List<String[]> updates, int rows) {
    }

    private final BenchmarkRun s;

    /** The tables a collection writes, as copies in schema bench: the same columns, constraints and indexes. */
    private final Map<String, String> directUpdates = new LinkedHashMap<>();

    DirectWrites(BenchmarkRun s) {
        this.s = s;
    }

    /**
     * The rows each collection of the round wrote, read back after it: the collection, its journal entry and lines,
     * its receipt, its audit rows, and from those the rows it updated (bill, receipt counter) before and after.
     */
    List<List<WriteSet>> read(List<List<Bill>> bills) throws SQLException {
        List<List<WriteSet>> out = new ArrayList<>();
        try (Connection c = s.superuser(); PreparedStatement ps = c.prepareStatement("""
                with c as (select * from cash_collections where facility_id = ? and bill_id = ?),
                x as (select a.transaction_id, a.occurred_at from audit_log a, c
                      where a.facility_id = c.facility_id and a.occurred_at >= c.collected_at
                        and a.occurred_at < c.collected_at + interval '10 minutes'
                        and a.row_key @> jsonb_build_object('id', c.id) and a.operation = 'INSERT'),
                a as (select a.* from audit_log a, c, x
                      where a.facility_id = c.facility_id and a.occurred_at >= c.collected_at
                        and a.occurred_at < c.collected_at + interval '10 minutes' and a.transaction_id = x.transaction_id)
                , w as (select 1 as n, (select jsonb_agg(to_jsonb(c)) from c) as rows
                        union all select 2, (select jsonb_agg(to_jsonb(e)) from journal_entries e, c where e.facility_id = c.facility_id and e.id = c.journal_entry_id)
                        union all select 3, (select jsonb_agg(to_jsonb(l)) from journal_lines l, c where l.facility_id = c.facility_id and l.entry_id = c.journal_entry_id)
                        union all select 4, (select jsonb_agg(to_jsonb(r)) from receipts r, c where r.facility_id = c.facility_id and r.cash_collection_id = c.id)
                        union all select 5, (select jsonb_agg(to_jsonb(a)) from a)),
                u as (select coalesce(pg_partition_root(a.table_name::regclass), a.table_name::regclass)::text as root, a.old_values, a.new_values
                      from a where a.operation = 'UPDATE')
                select (select array_agg(w.rows::text order by w.n) from w),
                       (select sum(jsonb_array_length(w.rows)) from w)::int + (select count(*) from u)::int,
                       (select array_agg(u.root) from u), (select array_agg(u.old_values::text) from u), (select array_agg(u.new_values::text) from u)""")) {
            for (List<Bill> clerkBills : bills) {
                List<WriteSet> sets = new ArrayList<>();
                for (Bill b : clerkBills) {
                    ps.setObject(1, s.postingFacility, Types.OTHER);
                    ps.setObject(2, b.id(), Types.OTHER);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        Map<String, String> inserts = new LinkedHashMap<>();
                        String[] tables = {"cash_collections", "journal_entries", "journal_lines", "receipts", "audit_log"};
                        String[] rowsOf = (String[]) rs.getArray(1).getArray();
                        for (int i = 0; i < tables.length; i++) {
                            if (rowsOf[i] == null) {
                                throw new IllegalStateException("no " + tables[i] + " rows for the collection of bill " + b.id());
                            }
                            inserts.put(tables[i], rowsOf[i]);
                        }
                        int rows = rs.getInt(2);
                        List<String[]> updates = new ArrayList<>();
                        if (rs.getArray(3) != null) {
                            String[] roots = (String[]) rs.getArray(3).getArray();
                            String[] before = (String[]) rs.getArray(4).getArray();
                            String[] after = (String[]) rs.getArray(5).getArray();
                            for (int i = 0; i < roots.length; i++) {
                                updates.add(new String[] {roots[i], before[i], after[i]});
                            }
                        }
                        sets.add(new WriteSet(inserts, updates, rows));
                    }
                }
                out.add(sets);
            }
        }
        return out;
    }

    /**
     * The same rows written directly, one transaction per collection as in collect_cash: inserted into copies of
     * their tables in schema bench (made with {@code like ... including all}: columns, defaults, check constraints and
     * indexes, without triggers, policies or foreign keys), and the bill and receipt counter updated from their state
     * before to their state after. The copies start empty each round (the rows to update are put in first, off the
     * clock); each clerk is a thread with its own connection, as in PostingCost. Seconds for all.
     */
    double post(List<List<WriteSet>> writes) throws Exception {
        Set<String> tables = new LinkedHashSet<>(List.of("cash_collections", "journal_entries", "journal_lines", "receipts", "audit_log"));
        writes.stream().flatMap(List::stream).flatMap(w -> w.updates().stream()).forEach(u -> tables.add(u[0]));
        try (Connection c = s.superuser(); Statement st = c.createStatement()) {
            for (String t : tables) {
                st.execute("create table if not exists bench.direct_%1$s (like public.%1$s including all excluding identity excluding generated)"
                        .formatted(t));
                st.execute("truncate bench.direct_" + t);
                directUpdates.computeIfAbsent(t, x -> {
                    try {
                        return updateStatement(c, x);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            // the rows to update, as they were before the round's first change to each
            for (List<WriteSet> clerk : writes) {
                for (WriteSet w : clerk) {
                    for (String[] u : w.updates()) {
                        exec(c, "insert into bench.direct_%1$s select * from jsonb_populate_record(null::bench.direct_%1$s, ?::jsonb) on conflict do nothing"
                                .formatted(u[0]), u[1]);
                    }
                }
            }
        }
        int n = writes.size();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                Connection c = s.superuser();
                c.setAutoCommit(false);
                connections.add(c);
            }
            return parallel(n, k -> {
                Connection c = connections.get(k);
                Map<String, PreparedStatement> inserts = new LinkedHashMap<>();
                Map<String, PreparedStatement> updates = new LinkedHashMap<>();
                try {
                    for (WriteSet w : writes.get(k)) {
                        for (Map.Entry<String, String> e : w.inserts().entrySet()) {
                            PreparedStatement ps = inserts.get(e.getKey());
                            if (ps == null) {
                                ps = c.prepareStatement("insert into bench.direct_%1$s select * from jsonb_populate_recordset(null::bench.direct_%1$s, ?::jsonb)"
                                        .formatted(e.getKey()));
                                inserts.put(e.getKey(), ps);
                            }
                            ps.setString(1, e.getValue());
                            ps.executeUpdate();
                        }
                        for (String[] u : w.updates()) {
                            PreparedStatement ps = updates.get(u[0]);
                            if (ps == null) {
                                ps = c.prepareStatement(directUpdates.get(u[0]));
                                updates.put(u[0], ps);
                            }
                            ps.setString(1, u[2]);
                            ps.executeUpdate();
                        }
                        c.commit();
                    }
                } finally {
                    for (PreparedStatement ps : inserts.values()) {
                        ps.close();
                    }
                    for (PreparedStatement ps : updates.values()) {
                        ps.close();
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

    /** update bench.direct_T: every column but the primary key from the JSON row, found by its primary key. */
    private static String updateStatement(Connection c, String table) throws SQLException {
        List<String> keys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select a.attname, a.attnum = any (coalesce((select k.conkey from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'p'), '{}'))
                from pg_attribute a where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum""")) {
            ps.setString(1, "public." + table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (rs.getBoolean(2) ? keys : others).add(rs.getString(1));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(table + " has no primary key");
        }
        return "update bench.direct_%s t set %s from jsonb_populate_record(null::bench.direct_%s, ?::jsonb) r where %s".formatted(table,
                String.join(", ", others.stream().map(x -> "\"" + x + "\" = r.\"" + x + "\"").toList()), table,
                String.join(" and ", keys.stream().map(x -> "t.\"" + x + "\" = r.\"" + x + "\"").toList()));
    }
}
