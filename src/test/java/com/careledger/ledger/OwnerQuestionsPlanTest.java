package com.careledger.ledger;

import static com.careledger.cash.CashCounter.PERCENTAGE;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.careledger.cash.CashCounter;
import com.careledger.payment.OnlinePayments;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The owner's three questions are answered from indexes, not scans, so they stay fast as money rows grow: shown by
 * the plans of the statements inside the functions (auto_explain, nested statements) on a volume of money rows: one
 * facility's rows made through the app's functions (captures, cash collections, a refund, a gateway batch, a paid
 * mixed settlement), cloned for {@value #COPIES} other facilities by the superuser with triggers off, then analyzed.
 * The questions run as the app's role with the super admin's signed context, for the one facility. Everything is
 * rolled back.
 */
class OwnerQuestionsPlanTest {

    static final int COPIES = 400;

    private static AppSession session;
    private static Connection db;
    private static UUID facility;

    @BeforeAll
    static void aFacilityAmongManyWithMoneyRows() throws Exception {
        session = AppSession.openWithDefinerAccess();
        AppSession s = session;
        db = s.connection();
        facility = CashCounter.facility(s, "plan-" + UUID.randomUUID().toString().substring(0, 8), PERCENTAGE);
        UUID clerk = CashCounter.clerk(s, facility, "plan", "billing");
        List<UUID> payments = new ArrayList<>();
        String tag = facility.toString().substring(0, 8);
        for (int i = 0; i < 12; i++) {
            s.as(SUPER_ADMIN, facility);
            UUID bill = OnlinePayments.issuedBill(s, facility, 500_000 + i * 1_000L);
            payments.add(OnlinePayments.capture(s, bill, "pay_plan_" + tag + "_" + i, "card", 200_000));
            s.as(clerk, facility);
            if (i == 0) {
                CashCounter.openShift(s, 0);
            }
            CashCounter.collect(s, bill, 300_000 + i * 1_000L, "plan-cash-" + i);
        }
        s.as(SUPER_ADMIN, facility);
        OnlinePayments.asWebhook(s, () -> s.string("select app.refund_payment(?, ?, 50000, 'asked')::text",
                payments.get(11), "rfnd_plan_" + tag));
        s.as(SUPER_ADMIN, null);
        long stated = Long.parseLong(s.string("select sum(amount_paise - gateway_fee_paise - gateway_gst_paise) from payments "
                + "where id = any (?::uuid[])", (Object) payments.subList(0, 6).toArray(UUID[]::new)));
        s.string("select app.record_gateway_settlement('razorpay', ?, app.ist_today(), ?, ?::uuid[])::text",
                "UTRPLAN" + tag, stated, payments.subList(0, 6).toArray(UUID[]::new));
        String settlement = s.string("select app.create_settlement(?, 'mixed', app.ist_today(), app.ist_today())::text", facility);
        s.execute("select app.submit_settlement(?::uuid)", settlement);
        s.execute("select app.approve_settlement(?::uuid)", settlement);
        s.string("select app.pay_settlement(?::uuid, ?)::text", settlement, "UTRPAY" + tag);
        // after the settlement: more money, so "since the last settlement" has something to add up
        s.as(clerk, facility);
        s.as(SUPER_ADMIN, facility);
        UUID later = OnlinePayments.issuedBill(s, facility, 90_000);
        s.as(clerk, facility);
        CashCounter.collect(s, later, 90_000, "plan-cash-later");

        try (Statement st = db.createStatement()) {
            st.execute("reset role");
            st.execute("set local session_replication_role = replica");
            st.execute(CLONE.formatted(facility, COPIES));
            st.execute("set local session_replication_role = origin");
            st.execute("analyze journal_entries, journal_lines, payments, cash_collections, payment_refunds, cash_refunds");
            st.execute("load 'auto_explain'");
            st.execute("set local auto_explain.log_min_duration = 0");
            st.execute("set local auto_explain.log_nested_statements = on");
            st.execute("set local auto_explain.log_level = notice");
            st.execute("set local client_min_messages = notice");
            st.execute("set local role careledger_app");
        }
        s.as(SUPER_ADMIN, facility);
    }

    @AfterAll
    static void rollBack() throws SQLException {
        session.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"app.commission_pending", "app.held_for_platform", "app.pending_since_last_settlement"})
    void eachQuestionReadsTheMoneyTablesThroughIndexesOnly(String question) throws SQLException {
        assertThat(scale()).as("rows of journal_lines").isGreaterThan(COPIES * 50L);
        List<String> plans = plansOf("select * from " + question + "(?)");
        assertThat(plans).as("statements inside %s", question).isNotEmpty();
        String all = String.join("\n", plans);
        assertThat(all).contains("journal_lines");
        for (String table : List.of("journal_lines", "journal_entries", "payments", "cash_collections")) {
            assertThat(all).as("%s is not read whole", table).doesNotContainPattern("Seq Scan on " + table + "\\b");
        }
        assertThat(all).containsPattern("(Index (Only )?Scan using \\w+|Bitmap Heap Scan) on journal_lines");
        if (question.equals("app.pending_since_last_settlement")) {
            // the entries the last paid settlement did not see come from the index on (facility_id, transaction_id)
            // (the bound at its snapshot's xmin is there for the planner to use as a range when a facility's entries
            // are many), their lines by entry; neither table is read whole
            assertThat(all).containsPattern("Index Scan using journal_entries_facility_transaction_idx on journal_entries");
        }
        if (question.equals("app.commission_pending")) {
            // the open items come from the partial indexes that hold only what is still open
            assertThat(all).containsPattern("(Bitmap Index Scan on|Index (Only )?Scan using) payments_facility_gateway_unsettled_idx")
                    .containsPattern("(Bitmap Index Scan on|Index (Only )?Scan using) cash_collections_facility_unsettled_idx");
        }
    }

    private static long scale() throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("select reltuples::bigint from pg_class where relname = 'journal_lines'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The plans auto_explain reported for the statements the call ran, nested ones included. */
    private static List<String> plansOf(String sql) throws SQLException {
        List<String> plans = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setObject(1, facility, Types.OTHER);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("an answer for the facility").isTrue();
            }
            for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                if (w.getMessage().contains("Query Text:")) {
                    plans.add(w.getMessage());
                }
            }
        }
        return plans;
    }

    /**
     * Copies every money row of one facility for N new facility ids, with new row ids (references among the copies
     * follow) and suffixed unique keys. Run as the superuser with session_replication_role = replica (no triggers, no
     * foreign-key checks; the copies are not onboarded facilities, only volume for the planner). The copies' capture
     * times are moved back by up to 18 hours, by a hash of the source payment, so they differ as real captures do: the
     * source's were all captured in one transaction, and identical (facility, captured_at) keys would let B-tree
     * deduplication shrink payments_facility_captured_idx to a fraction of its real size (11 pages instead of 39), and
     * the planner would pick it over the partial index of unsettled captures for its size alone.
     */
    private static final String CLONE = """
            do $$
            declare
              v_source uuid := '%s';
              t text;
              cols text;
              sel text;
            begin
              create temp table clone_facilities on commit drop as
                select n, gen_random_uuid() as id from generate_series(1, %d) n;
              create temp table clone_ids on commit drop as
                select x.old, f.n, gen_random_uuid() as new from (
                  select id as old from public.journal_entries where facility_id = v_source
                  union all select id from public.journal_lines where facility_id = v_source
                  union all select id from public.payments where facility_id = v_source
                  union all select id from public.cash_collections where facility_id = v_source
                  union all select id from public.payment_refunds where facility_id = v_source
                  union all select id from public.cash_refunds where facility_id = v_source) x
                cross join clone_facilities f;
              create index on clone_ids (old, n);
              foreach t in array array['journal_entries', 'journal_lines', 'payments', 'cash_collections',
                                       'payment_refunds', 'cash_refunds'] loop
                select string_agg(quote_ident(a.attname), ', ' order by a.attnum),
                       string_agg(case
                         when a.attname = 'facility_id' then 'f.id'
                         when a.atttypid = 'uuid'::regtype then format(
                           'coalesce((select m.new from clone_ids m where m.old = t.%%1$I and m.n = f.n), t.%%1$I)', a.attname)
                         when t = 'payments' and a.attname = 'captured_at'
                           then 't.captured_at - (hashtext(t.id::text) & 65535) * interval ''1 second'''
                         when a.attname in ('idempotency_key', 'gateway_payment_id', 'gateway_refund_id', 'gateway_order_id')
                           then format('t.%%1$I || ''-'' || f.n', a.attname)
                         else 't.' || quote_ident(a.attname) end, ', ' order by a.attnum)
                into cols, sel
                from pg_attribute a
                where a.attrelid = ('public.' || t)::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
                execute format('insert into public.%%I (%%s) select %%s from public.%%I t cross join clone_facilities f where t.facility_id = %%L',
                               t, cols, sel, t, v_source);
              end loop;
            end
            $$""";
}
