package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.settlement.SettlementFixtures.cardPayment;
import static com.careledger.settlement.SettlementFixtures.clerk;
import static com.careledger.settlement.SettlementFixtures.collect;
import static com.careledger.settlement.SettlementFixtures.facility;
import static com.careledger.settlement.SettlementFixtures.gatewaySettle;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.settlement.SettlementFixtures.Rules;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * A correction ({@code app.reverse_journal_entry}) voids the payment, cash collection or refund whose entry it
 * reverses: no settlement or gateway batch takes the item afterwards, what it moved on the bill and on the running
 * totals goes back, and the reconciliation finds no difference. Items something has used since, and the entries of
 * gateway batches and paid settlements, are refused with a sentence and nothing changes. Each test rolls back.
 */
class CorrectionVoidsItemTest {

    @Test
    void aReversedCaptureIsTakenByNeitherASettlementNorAGatewayBatch() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "void-capture", Rules.DEFAULT);
            UUID wrong = cardPayment(s, facility, 1_000_000);
            UUID right = cardPayment(s, facility, 500_000);
            UUID wrongBill = UUID.fromString(s.string("select bill_id from payments where id = ?", wrong));
            assertThat(s.string("select status || ' ' || paid_paise from bills where id = ?", wrongBill)).isEqualTo("paid 1000000");

            UUID correction = reverse(s, entryOf(s, "payments", wrong));
            assertThat(s.string("select correction_entry_id from payments where id = ?", wrong)).isEqualTo(correction.toString());
            assertThat(s.string("select status || ' ' || paid_paise from bills where id = ?", wrongBill))
                    .as("the bill is unpaid again").isEqualTo("issued 0");

            // the gateway batch refuses it and names it; the other payment passes
            assertThat(s.failure("select app.record_gateway_settlement('razorpay', 'UTRVOID00001', app.ist_today(), 1, ?::uuid[])",
                    "{" + wrong + "}")).hasMessageContaining("voided by a correction").hasMessageContaining(wrong.toString());
            gatewaySettle(s, facility, right);

            // no refund of it is recorded
            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_void_1', 100, null)", wrong))
                    .hasMessageContaining("voided by a correction");
            s.as(SUPER_ADMIN, facility);

            // a filled draft takes only the other payment; allocating the voided one by hand is refused
            UUID settlement = UUID.fromString(s.string(
                    "select app.create_settlement(?, 'online_pg', app.ist_today(), app.ist_today())::text", facility));
            assertThat(s.strings("select item_id from settlement_allocations where settlement_id = ?", settlement))
                    .containsExactly(right.toString());
            assertThat(s.failure("select app.allocate_to_settlement(?, 'payment', ?)", settlement, wrong))
                    .hasMessageContaining("voided by a correction");
            s.execute("select app.submit_settlement(?)", settlement);
            s.execute("select app.approve_settlement(?)", settlement);
            UUID paid = UUID.fromString(s.string("select app.pay_settlement(?, 'UTRVOIDPAY01')::text", settlement));

            assertThat(differences(s, facility)).isEmpty();
            assertThat(balance(s, facility, "facility_payable")).isZero();
            assertThat(balance(s, facility, "gateway_clearing")).isZero();
            assertThat(s.string("select online_margin_paise from app.commission_pending(?)", facility)).isEqualTo("0");

            // the entries of a gateway batch and of a paid settlement are not reversed
            UUID batchEntry = UUID.fromString(s.string("""
                    select journal_entry_id from gateway_settlement_facilities
                    where facility_id = ? and journal_entry_id is not null""", facility));
            assertThat(s.failure("select app.reverse_journal_entry(?, 'wrong batch')", batchEntry))
                    .hasMessageContaining("books a gateway batch");
            assertThat(s.failure("select app.reverse_journal_entry(?, 'wrong payout')", paid))
                    .hasMessageContaining("pays a settlement");
            assertThat(s.count("select count(*) from journal_entries where facility_id = ? and event_kind = 'correction'", facility))
                    .isEqualTo(1);
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aCaptureSomethingUsedSinceIsNotVoidedAndNothingChanges() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "void-refused", Rules.DEFAULT);
            UUID refunded = cardPayment(s, facility, 400_000);
            s.as(PAYMENT_WEBHOOK, facility);
            s.string("select app.refund_payment(?, 'rfnd_void_2', 100000, null)::text", refunded);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.failure("select app.reverse_journal_entry(?, 'wrong')", entryOf(s, "payments", refunded)))
                    .hasMessageContaining("has refunds: correct them first");

            UUID drafted = cardPayment(s, facility, 300_000);
            gatewaySettle(s, facility, drafted);
            UUID settlement = UUID.fromString(s.string(
                    "select app.create_settlement(?, 'online_pg', app.ist_today(), app.ist_today())::text", facility));
            assertThat(s.failure("select app.reverse_journal_entry(?, 'wrong')", entryOf(s, "payments", drafted)))
                    .hasMessageContaining("in gateway batch");
            assertThat(s.count("select allocations_count from settlements where id = ?", settlement)).isEqualTo(1);

            assertThat(s.count("select count(*) from journal_entries where facility_id = ? and event_kind = 'correction'", facility))
                    .isZero();
            assertThat(s.count("select count(*) from payments where facility_id = ? and correction_entry_id is not null", facility))
                    .isZero();
            assertThat(differences(s, facility)).isEmpty();
        }
    }

    @Test
    void aReversedRefundGivesThePaymentAndTheBillBackAndALaterRefundCountsFromThere() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "void-refund", Rules.DEFAULT);
            UUID payment = cardPayment(s, facility, 1_000_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID refund = UUID.fromString(s.string("select app.refund_payment(?, 'rfnd_void_3', 250000, null)::text", payment));
            s.as(SUPER_ADMIN, facility);
            // worked example 7: p_r 30.00, pg_r 5.40, facility_payable 2 464.60
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(985_840 - 246_460);

            reverse(s, entryOf(s, "payment_refunds", refund));
            assertThat(s.string("""
                    select concat_ws(' ', status, refunded_paise, platform_fee_reversed_paise, platform_gst_reversed_paise,
                                     refund_payable_paise)
                    from payments where id = ?""", payment)).isEqualTo("captured 0 0 0 0");
            assertThat(s.string("select b.status || ' ' || b.paid_paise from bills b join payments p on p.bill_id = b.id where p.id = ?",
                    payment)).isEqualTo("paid 1000000");
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(985_840);
            assertThat(differences(s, facility)).isEmpty();

            // the voided refund enters no gateway batch; a new refund of the same amount reverses the same fees
            assertThat(s.failure("select app.record_gateway_settlement('razorpay', 'UTRVOID00003', app.ist_today(), 0, '{}'::uuid[], ?::uuid[])",
                    "{" + refund + "}")).hasMessageContaining("voided by a correction");
            s.as(PAYMENT_WEBHOOK, facility);
            UUID again = UUID.fromString(s.string("select app.refund_payment(?, 'rfnd_void_4', 250000, null)::text", payment));
            s.as(SUPER_ADMIN, facility);
            assertThat(s.string("select concat_ws(' ', platform_fee_reversed_paise, platform_gst_reversed_paise, payable_paise)"
                    + " from payment_refunds where id = ?", again)).isEqualTo("3000 540 246460");
            assertThat(differences(s, facility)).isEmpty();
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aReversedCollectionAndAReversedCashRefundLeaveTheShiftAndTheSettlementsAsIfNeverRecorded() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "void-cash", Rules.DEFAULT);
            UUID clerk = clerk(s, facility, "void-cash");
            List<UUID> collections = collect(s, facility, clerk, 300_000, 200_000);
            UUID kept = collections.get(0);
            UUID wrong = collections.get(1);
            // 2 % + 18 %: 70.80 and 47.20 owed
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(11_800);

            reverse(s, entryOf(s, "cash_collections", wrong));
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(7_080);
            assertThat(s.string("select b.status || ' ' || b.paid_paise from bills b join cash_collections c on c.bill_id = b.id"
                    + " where c.id = ?", wrong)).isEqualTo("partially_paid 300000");
            assertThat(differences(s, facility)).isEmpty();

            // a cash refund of the kept collection, then its correction: the collection owes its whole commission again
            s.as(clerk, facility);
            assertThat(s.failure("select app.refund_cash(?, 100, null, 'void-cash-refund-0')", wrong))
                    .hasMessageContaining("voided by a correction");
            UUID cashRefund = UUID.fromString(s.string("select app.refund_cash(?, 100000, null, 'void-cash-refund-1')::text", kept));
            s.as(SUPER_ADMIN, facility);
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(7_080 - 2_360);
            reverse(s, entryOf(s, "cash_refunds", cashRefund));
            assertThat(s.string("""
                    select concat_ws(' ', refunded_paise, commission_reversed_paise, commission_gst_reversed_paise,
                                     receivable_reversed_paise)
                    from cash_collections where id = ?""", kept)).isEqualTo("0 0 0 0");
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(7_080);
            assertThat(differences(s, facility)).isEmpty();

            // the shift counts neither the voided collection nor the voided refund: 3 000 in the drawer
            s.as(clerk, facility);
            UUID shift = UUID.fromString(s.string("select shift_id from cash_collections where id = ?", kept));
            assertThat(s.string("select expected_paise || ' ' || variance_paise from app.close_shift(?, 300000)", shift))
                    .isEqualTo("300000 0");

            // a cash-commission settlement takes the kept collection only
            s.as(SUPER_ADMIN, facility);
            UUID settlement = UUID.fromString(s.string(
                    "select app.create_settlement(?, 'cash_commission', app.ist_today(), app.ist_today())::text", facility));
            assertThat(s.strings("select item_id || ' ' || amount_paise from settlement_allocations where settlement_id = ?", settlement))
                    .containsExactly(kept + " 7080");
            assertThat(s.failure("select app.allocate_to_settlement(?, 'cash_collection', ?)", settlement, wrong))
                    .hasMessageContaining("voided by a correction");
            s.execute("set constraints all immediate");
        }
    }

    private static UUID entryOf(AppSession s, String table, UUID item) throws SQLException {
        return UUID.fromString(s.string("select journal_entry_id from " + table + " where id = ?", item));
    }

    private static UUID reverse(AppSession s, UUID entry) throws SQLException {
        s.as(SUPER_ADMIN, null);
        UUID correction = UUID.fromString(s.string("select app.reverse_journal_entry(?, 'recorded in error')::text", entry));
        s.as(SUPER_ADMIN, UUID.fromString(s.string("select facility_id from journal_entries where id = ?", entry)));
        return correction;
    }

    private static List<String> differences(AppSession s, UUID facility) throws SQLException {
        return s.strings("select account || ' ' || difference_paise from app.reconciliation(?) where difference_paise <> 0",
                facility);
    }

    private static long balance(AppSession s, UUID facility, String account) throws SQLException {
        return Long.parseLong(s.string("select app.account_balance(?, ?::ledger_account)", facility, account));
    }
}
