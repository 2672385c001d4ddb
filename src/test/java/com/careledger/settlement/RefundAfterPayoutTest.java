package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.settlement.SettlementFixtures.cardPayment;
import static com.careledger.settlement.SettlementFixtures.facility;
import static com.careledger.settlement.SettlementFixtures.gatewaySettle;
import static com.careledger.settlement.SettlementFixtures.journalLines;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.payment.OnlinePayments;
import com.careledger.settlement.SettlementFixtures.Rules;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * A refund after payout (posting 5 of docs/ledger.md, "Refunds"): the facility's cost comes out of facility_payable
 * while the facility still has money there, from the refunded payment's own share first and then from its other
 * payable items; only what would take the balance below zero is a recovery in facility_receivable. An amount in a
 * draft is not paid out (the draft gives it up); an amount in a pending settlement is. The rates are those of the
 * worked examples (card: gateway 1.10 %, platform 1.20 %, GST 18 %; the platform bears the gateway fee), so a refund
 * of ₹2 500.00 of ₹10 000.00 costs the facility 2 464.60 (worked example 7). Each test rolls back.
 */
class RefundAfterPayoutTest {

    @Test
    void aRefundAfterPayoutIsTakenFromWhatThePlatformStillOwesTheFacility() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "payout-draw", Rules.DEFAULT);
            UUID first = cardPayment(s, facility, 1_000_000);
            gatewaySettle(s, facility, first);
            UUID paid = settle(s, facility, "online_pg");
            assertThat(journalLines(s, paid)).containsExactly("D facility_payable 985840", "C platform_bank 985840");
            // a later payment of ₹5 000.00: the platform owes the facility its net 4 929.20 again
            UUID second = cardPayment(s, facility, 500_000);
            s.as(SUPER_ADMIN, facility);
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(492_920L);

            UUID refund = refund(s, first, "rfnd_payout_1", 250_000);
            // Before, the cost went to facility_receivable whole because the refunded payment itself was paid out
            // (D facility_receivable 2 464.60), while the platform still owed the facility 4 929.20. Now it comes
            // out of what the platform owes: the second payment's share.
            assertThat(refundLines(s, refund)).containsExactly(
                    "D platform_fee_income 3000",
                    "D gst_output 540",
                    "D facility_payable 246460",
                    "C gateway_clearing[razorpay] 250000");
            assertThat(s.string("select concat_ws(' ', payable_paise, drawn_paise, recovery_paise) from payment_refunds"
                    + " where id = ?", refund)).isEqualTo("0 246460 0");
            assertThat(s.strings("select item_kind || ' ' || item_id || ' ' || amount_paise from payment_refund_draws"
                    + " where refund_id = ?", refund)).containsExactly("payment " + second + " 246460");
            assertThat(s.string("select drawn_paise from payments where id = ?", second)).isEqualTo("246460");
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(246_460L);
            assertThat(balance(s, facility, "facility_receivable")).isZero();
            assertThat(differences(s, facility)).isEmpty();

            // the rest of the first payment: cost 5 000.00 − 60.00 − 10.80 = 4 929.20; 2 464.60 is still owed to the
            // facility, only the 2 464.60 beyond it would take facility_payable below zero
            UUID more = refund(s, first, "rfnd_payout_2", 500_000);
            assertThat(refundLines(s, more)).containsExactly(
                    "D platform_fee_income 6000",
                    "D gst_output 1080",
                    "D facility_payable 246460",
                    "D facility_receivable 246460",
                    "C gateway_clearing[razorpay] 500000");
            assertThat(s.string("select concat_ws(' ', payable_paise, drawn_paise, recovery_paise) from payment_refunds"
                    + " where id = ?", more)).isEqualTo("0 246460 246460");
            assertThat(balance(s, facility, "facility_payable")).isZero();
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(246_460L);

            // nothing of the second payment is left for a settlement to pay out
            assertThat(s.string("select net_settlement_paise - refund_payable_paise - drawn_paise - allocated_paise"
                    + " from payments where id = ?", second)).isEqualTo("0");
            assertThat(differences(s, facility)).isEmpty();
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aDraftIsNotPaidOutAndGivesUpWhatTheRefundTakesWhileAPendingSettlementIsFrozen() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "payout-draft", Rules.DEFAULT);
            UUID payment = cardPayment(s, facility, 1_000_000);
            gatewaySettle(s, facility, payment);
            LocalDate today = s.istToday();
            UUID draft = UUID.fromString(s.string("select app.create_settlement(?, 'online_pg', ?, ?)::text",
                    facility, today, today));
            assertThat(share(s, draft)).isEqualTo("draft 985840 1");

            UUID refund = refund(s, payment, "rfnd_draft_1", 250_000);
            // Before, the draft's allocation counted as paid out: the cost was all a recovery (D facility_receivable
            // 2 464.60) and the draft still paid out 9 858.40. Now it comes from the payment's own share and the
            // draft gives it up.
            assertThat(refundLines(s, refund)).containsExactly(
                    "D platform_fee_income 3000",
                    "D gst_output 540",
                    "D facility_payable 246460",
                    "C gateway_clearing[razorpay] 250000");
            assertThat(s.string("select concat_ws(' ', payable_paise, drawn_paise, recovery_paise) from payment_refunds"
                    + " where id = ?", refund)).isEqualTo("246460 0 0");
            s.as(SUPER_ADMIN, facility);
            assertThat(share(s, draft)).isEqualTo("draft 739380 1");
            assertThat(s.string("select concat_ws(' ', allocated_paise, refund_payable_paise) from payments where id = ?",
                    payment)).isEqualTo("739380 246460");

            // submitted, the settlement is frozen: a further refund is all a recovery and leaves it as it is
            s.execute("select app.submit_settlement(?)", draft);
            UUID frozen = refund(s, payment, "rfnd_draft_2", 100_000);
            // cost 1 000.00 − 12.00 − 2.16 = 985.84
            assertThat(s.string("select concat_ws(' ', payable_paise, drawn_paise, recovery_paise) from payment_refunds"
                    + " where id = ?", frozen)).isEqualTo("0 0 98584");
            s.as(SUPER_ADMIN, facility);
            assertThat(share(s, draft)).isEqualTo("pending 739380 1");

            s.execute("select app.approve_settlement(?)", draft);
            s.execute("select app.pay_settlement(?, 'UTRDRAFT0001')", draft);
            assertThat(journalLines(s, draft)).containsExactly("D facility_payable 739380", "C platform_bank 739380");
            assertThat(balance(s, facility, "facility_payable")).isZero();
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(98_584L);
            assertThat(differences(s, facility)).isEmpty();
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aCorrectionOfTheRefundGivesBackWhatItDrewAndTheItemItDrewOnIsNotVoidedBeforeIt() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "payout-correct", Rules.DEFAULT);
            UUID first = cardPayment(s, facility, 1_000_000);
            gatewaySettle(s, facility, first);
            settle(s, facility, "online_pg");
            UUID second = cardPayment(s, facility, 500_000);
            UUID refund = refund(s, first, "rfnd_correct_1", 250_000);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.string("select drawn_paise from payments where id = ?", second)).isEqualTo("246460");

            // the second capture cannot be voided while a refund of the first payment holds part of its share
            UUID secondEntry = entryOf(s, "payments", second);
            UUID refundEntry = entryOf(s, "payment_refunds", refund);
            s.as(SUPER_ADMIN, null);
            assertThat(s.sqlFailure("select app.reverse_journal_entry(?, 'recorded in error')", secondEntry).getMessage())
                    .contains("a refund of another payment took 246460 paise").contains("correct that refund first");
            s.as(SUPER_ADMIN, facility);
            assertThat(s.string("select concat_ws(' ', drawn_paise, correction_entry_id is null) from payments where id = ?",
                    second)).isEqualTo("246460 t");

            // the refund's correction gives the second payment its share back; then the capture can be voided
            s.as(SUPER_ADMIN, null);
            s.string("select app.reverse_journal_entry(?, 'recorded in error')::text", refundEntry);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.string("select drawn_paise from payments where id = ?", second)).isEqualTo("0");
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(492_920L);
            assertThat(differences(s, facility)).isEmpty();
            s.as(SUPER_ADMIN, null);
            s.string("select app.reverse_journal_entry(?, 'recorded in error')::text", secondEntry);
            s.as(SUPER_ADMIN, facility);
            assertThat(balance(s, facility, "facility_payable")).isZero();
            assertThat(differences(s, facility)).isEmpty();
            s.execute("set constraints all immediate");
        }
    }

    /** A settlement of the type for today, filled, submitted, approved and paid; the session stays the super admin. */
    private static UUID settle(AppSession s, UUID facility, String type) throws SQLException {
        s.as(SUPER_ADMIN, facility);
        LocalDate today = s.istToday();
        UUID settlement = UUID.fromString(s.string("select app.create_settlement(?, ?::settlement_type, ?, ?)::text",
                facility, type, today, today));
        s.execute("select app.submit_settlement(?)", settlement);
        s.execute("select app.approve_settlement(?)", settlement);
        s.execute("select app.pay_settlement(?, ?)", settlement, "UTR" + settlement.toString().substring(0, 8));
        return settlement;
    }

    private static UUID refund(AppSession s, UUID payment, String refundId, long amountPaise) throws SQLException {
        return OnlinePayments.asWebhook(s, () -> UUID.fromString(s.string(
                "select app.refund_payment(?, ?, ?, 'patient asked')::text", payment, refundId, amountPaise)));
    }

    private static List<String> refundLines(AppSession s, UUID refund) throws SQLException {
        return s.strings("""
                select case when l.debit_paise > 0 then 'D ' else 'C ' end || l.account
                       || coalesce('[' || l.gateway || ']', '') || ' ' || (l.debit_paise + l.credit_paise)
                from journal_lines l join payment_refunds r on r.journal_entry_id = l.entry_id
                where r.id = ? order by l.line_no""", refund);
    }

    private static String share(AppSession s, UUID settlement) throws SQLException {
        return s.string("select concat_ws(' ', settlement_status, hospital_share_paise, allocations_count)"
                + " from settlements where id = ?", settlement);
    }

    private static UUID entryOf(AppSession s, String table, UUID item) throws SQLException {
        return UUID.fromString(s.string("select journal_entry_id from " + table + " where id = ?", item));
    }

    private static long balance(AppSession s, UUID facility, String account) throws SQLException {
        return Long.parseLong(s.string("select app.account_balance(?, ?::ledger_account)", facility, account));
    }

    private static String trialBalance(AppSession s, UUID facility) throws SQLException {
        return s.string("select sum(balance_paise) from app.trial_balance(?)", facility);
    }

    private static List<String> differences(AppSession s, UUID facility) throws SQLException {
        return s.strings("select account || ' ' || difference_paise from app.reconciliation(?) where difference_paise <> 0",
                facility);
    }
}
