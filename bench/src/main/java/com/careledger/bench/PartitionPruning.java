package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.careledger.bench.Benchmarks.Explain;

/**
 * Section 5 of the report: EXPLAIN ANALYZE of one facility and one month on the partitioned tables (appointments,
 * settlements, audit_log) as the app role, and how many partitions each plan reads.
 */
final class PartitionPruning {

    private final BenchmarkRun s;

    PartitionPruning(BenchmarkRun s) {
        this.s = s;
    }

    List<Explain> measure() throws SQLException {
        List<Explain> out = new ArrayList<>();
        LocalDate month = s.month;
        LocalDate currentMonth = s.currentMonth;
        LocalDate nextMonth = month.plusMonths(1);
        LocalDate nextCurrent = currentMonth.plusMonths(1);
        String f = "'" + s.facility + "'";
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("appointments, " + month.getMonth().toString().toLowerCase(Locale.ROOT) + " " + month.getYear()
                       + " (partitioned by month of starts_on)",
                "select count(*) from appointments where facility_id = " + f + " and starts_on >= date '" + month
                + "' and starts_on < date '" + nextMonth + "'");
        statements.put("settlements, this month (partitioned by month of created_at)",
                "select count(*) from settlements where facility_id = " + f + " and created_at >= timestamptz '"
                + currentMonth + " 00:00+05:30' and created_at < timestamptz '" + nextCurrent + " 00:00+05:30'");
        statements.put("audit_log, this month (partitioned by month of occurred_at)",
                "select count(*) from audit_log where facility_id = " + f + " and occurred_at >= timestamptz '"
                + currentMonth + " 00:00+05:30' and occurred_at < timestamptz '" + nextCurrent + " 00:00+05:30'");
        try (Connection c = s.as(APP_ROLE)) {
            for (Map.Entry<String, String> e : statements.entrySet()) {
                BenchmarkRun.context(c, s.superAdmin, s.facility);
                List<String> plan = new ArrayList<>();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("explain (analyze, costs off, timing off, summary off) " + e.getValue())) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
                c.commit();
                int scans = partitionScans(plan);
                out.add(new Explain(e.getKey(), e.getValue(), plan, scans));
                s.log("explain %s: %d partition scan(s)", e.getKey(), scans);
            }
        }
        return out;
    }

    /** The tables read by a plan's scan nodes (a bitmap index scan is part of its heap scan, not another read). */
    static int partitionScans(List<String> plan) {
        return (int) plan.stream()
                .filter(l -> l.matches("\\s*(->\\s*)?(Parallel )?(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)( using \\S+)? on .*"))
                .filter(l -> !l.contains("never executed"))
                .count();
    }
}
