package com.careledger.bench;

import static com.careledger.bench.BenchmarkRun.APP_ROLE;
import static com.careledger.bench.BenchmarkRun.median;
import static com.careledger.bench.BenchmarkRun.runPlain;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.bench.Benchmarks.RlsRow;

/**
 * Section 1 of the report, RLS cost: the dashboard and owner's-question queries as the app role under RLS with the
 * facility admin's signed request context, against the same SQL text as the benchmark-only BYPASSRLS role, both
 * with an explicit facility filter; runs interleaved, medians. Also the plans of the commission-pending question
 * on both sides, where the app role's extra time goes.
 */
final class RlsCost {

    /** A query with :f (the facility), :from and :to (a month) in it. */
    record Query(String name, String sql) {
        String jdbc() {
            return sql.replace(":from", "?").replace(":to", "?").replace(":f", "?");
        }

        void bind(PreparedStatement ps, UUID f, LocalDate from, LocalDate to) throws SQLException {
            int i = 1;
            for (int p = 0; p < sql.length(); p++) {
                if (sql.charAt(p) != ':') {
                    continue;
                }
                if (sql.startsWith(":from", p)) {
                    ps.setDate(i++, Date.valueOf(from));
                } else if (sql.startsWith(":to", p)) {
                    ps.setDate(i++, Date.valueOf(to));
                } else if (sql.startsWith(":f", p)) {
                    ps.setObject(i++, f, Types.OTHER);
                }
            }
        }
    }

    /**
     * The reporting and dashboard queries, written out as plain SQL with the facility filter explicit, so that
     * the app role (under the tables' policies) and the BYPASSRLS role run the same text. The owner's three
     * questions are the bodies of app.commission_pending, app.held_for_platform and
     * app.pending_since_last_settlement (R__0011_reporting.sql) for one facility; the summary is the body of
     * reporting_facility_summary for one facility.
     */
    static final List<Query> QUERIES = List.of(
            new Query("facility summary (reporting_facility_summary)", """
                    select f.id, f.name, b.bills_count, b.billed_paise, p.captured_paise - p.refunded_paise,
                           c.collected_paise - c.refunded_paise, p.margin_paise - p.fee_reversed_paise,
                           c.commission_paise - c.commission_reversed_paise, r.receivable_paise,
                           p.unsettled_margin_paise, r.receivable_paise + p.unsettled_margin_paise
                    from facilities f
                    cross join lateral (
                      select count(*)::bigint as bills_count, coalesce(sum(x.total_paise), 0)::bigint as billed_paise
                      from bills x where x.facility_id = f.id and x.status in ('issued', 'partially_paid', 'paid')) b
                    cross join lateral (
                      select coalesce(sum(x.amount_paise), 0)::bigint as captured_paise,
                             coalesce(sum(x.refunded_paise), 0)::bigint as refunded_paise,
                             coalesce(sum(x.platform_fee_paise - x.gateway_fee_paise), 0)::bigint as margin_paise,
                             coalesce(sum(x.platform_fee_reversed_paise), 0)::bigint as fee_reversed_paise,
                             coalesce(sum(x.platform_fee_paise - x.platform_fee_reversed_paise - x.gateway_fee_paise)
                                        filter (where x.gateway_settlement_id is null), 0)::bigint as unsettled_margin_paise
                      from payments x where x.facility_id = f.id and x.captured_at is not null) p
                    cross join lateral (
                      select coalesce(sum(x.amount_collected_paise), 0)::bigint as collected_paise,
                             coalesce(sum(x.refunded_paise), 0)::bigint as refunded_paise,
                             coalesce(sum(x.commission_paise), 0)::bigint as commission_paise,
                             coalesce(sum(x.commission_reversed_paise), 0)::bigint as commission_reversed_paise
                      from cash_collections x where x.facility_id = f.id) c
                    cross join lateral (
                      select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint as receivable_paise
                      from journal_lines l where l.facility_id = f.id and l.account = 'facility_receivable') r
                    where f.id = :f"""),
            new Query("commission pending (app.commission_pending)", """
                    select r.balance, coalesce(g.gst, 0), coalesce(rc.recovery, 0), coalesce(m.margin, 0),
                           r.balance + coalesce(m.margin, 0)
                    from (select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint as balance
                          from journal_lines l where l.facility_id = :f and l.account = 'facility_receivable') r
                    cross join (
                      select sum(round((c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.settled_paise)::numeric
                                       * (c.commission_gst_paise - c.commission_gst_reversed_paise)
                                       / nullif(c.commission_paise + c.commission_gst_paise - c.commission_reversed_paise
                                                - c.commission_gst_reversed_paise, 0)))::bigint as gst
                      from cash_collections c
                      where c.facility_id = :f
                        and c.settled_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise) g
                    cross join (
                      select sum(r.recovery_paise - r.settled_paise)::bigint as recovery
                      from payment_refunds r where r.facility_id = :f and r.settled_paise < r.recovery_paise) rc
                    cross join (
                      select sum(p.platform_fee_paise - p.platform_fee_reversed_paise - p.gateway_fee_paise)::bigint as margin
                      from payments p
                      where p.facility_id = :f and p.gateway_settlement_id is null and p.captured_at is not null) m"""),
            new Query("held for platform (app.held_for_platform)", """
                    select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint
                    from journal_lines l where l.facility_id = :f and l.account = 'facility_receivable'"""),
            new Query("pending since last settlement (app.pending_since_last_settlement)", """
                    select s.paid_at,
                           (select coalesce(sum(l.credit_paise - l.debit_paise), 0)::bigint from journal_lines l
                            where l.facility_id = :f and l.account in ('facility_payable', 'facility_receivable')
                              and l.posted_at > s.since),
                           (select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint from journal_lines l
                            where l.facility_id = :f and l.account = 'facility_receivable') * -1
                           - (select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint from journal_lines l
                              where l.facility_id = :f and l.account = 'facility_payable')
                    from (select max(e.posted_at) as paid_at, coalesce(max(e.posted_at), '-infinity') as since from journal_entries e
                          where e.facility_id = :f and e.event_kind = 'settlement_paid') s"""),
            new Query("dashboard: billed per day of a month", """
                    select b.issued_on, count(*), sum(b.total_paise)::bigint from bills b
                    where b.facility_id = :f and b.issued_on >= :from and b.issued_on < :to
                      and b.status in ('issued', 'partially_paid', 'paid')
                    group by b.issued_on order by b.issued_on"""),
            new Query("dashboard: appointments of a month by status", """
                    select a.status, count(*) from appointments a
                    where a.facility_id = :f and a.starts_on >= :from and a.starts_on < :to
                    group by a.status order by a.status"""),
            new Query("dashboard: online payments by method", """
                    select p.method, count(*), sum(p.amount_paise)::bigint from payments p
                    where p.facility_id = :f and p.captured_at is not null
                    group by p.method order by p.method"""));

    private final BenchmarkRun s;

    RlsCost(BenchmarkRun s) {
        this.s = s;
    }

    List<RlsRow> measure() throws SQLException {
        List<RlsRow> out = new ArrayList<>();
        LocalDate to = s.month.plusMonths(1);
        try (Connection app = s.as(APP_ROLE); Connection bypass = s.as(Benchmarks.BYPASS_ROLE)) {
            for (Query q : QUERIES) {
                try (PreparedStatement a = app.prepareStatement(q.jdbc()); PreparedStatement b = bypass.prepareStatement(q.jdbc())) {
                    q.bind(a, s.facility, s.month, to);
                    q.bind(b, s.facility, s.month, to);
                    // both give the same answer: the policy lets the facility's admin see all of it
                    String answerApp = null;
                    String answerBypass = null;
                    for (int i = 0; i < s.it.warmup(); i++) {
                        answerApp = s.runApp(app, a, null);
                        answerBypass = runPlain(bypass, b, null);
                    }
                    if (answerApp != null && !answerApp.equals(answerBypass)) {
                        throw new IllegalStateException(q.name() + ": the app role's answer " + answerApp
                                + " differs from the BYPASSRLS role's " + answerBypass);
                    }
                    double[] ta = new double[s.it.rlsRounds()];
                    double[] tb = new double[s.it.rlsRounds()];
                    for (int i = 0; i < s.it.rlsRounds(); i++) {
                        // A B, then B A: neither side always goes first
                        if (i % 2 == 0) {
                            ta[i] = s.time(app, a, true);
                            tb[i] = s.time(bypass, b, false);
                        } else {
                            tb[i] = s.time(bypass, b, false);
                            ta[i] = s.time(app, a, true);
                        }
                    }
                    RlsRow row = new RlsRow(q.name(), median(ta), median(tb));
                    s.log("RLS  %-62s app %8.3f ms  bypass %8.3f ms  %.3f×", q.name(), row.appMs(), row.bypassMs(), row.ratio());
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** EXPLAIN ANALYZE of the commission-pending question on both sides: where the app role's extra time goes. */
    List<String> plans() throws SQLException {
        Query q = QUERIES.get(1);
        String sql = "explain (analyze, costs off, summary on) " + q.sql().replace(":f", "'" + s.facility + "'");
        List<String> out = new ArrayList<>();
        for (boolean app : new boolean[] {true, false}) {
            try (Connection c = s.as(app ? APP_ROLE : Benchmarks.BYPASS_ROLE)) {
                out.add(app ? "-- careledger_app, facility admin's context" : "-- " + Benchmarks.BYPASS_ROLE + " (BYPASSRLS)");
                for (int i = 0; i < 2; i++) {
                    if (app) {
                        BenchmarkRun.context(c, s.facilityAdmin, s.facility);
                    }
                    List<String> plan = new ArrayList<>();
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            plan.add(rs.getString(1));
                        }
                    }
                    c.commit();
                    if (i == 1) {
                        out.addAll(plan);
                    }
                }
            }
        }
        return out;
    }
}
