package com.careledger.refund;

import static com.careledger.cash.CashCounter.FIXED_FEE;
import static com.careledger.cash.CashCounter.PERCENTAGE;
import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.cash.CashCounter.collect;
import static com.careledger.cash.CashCounter.facility;
import static com.careledger.cash.CashCounter.openShift;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.refund.Refunds.balance;
import static com.careledger.refund.Refunds.cashRefundLines;
import static com.careledger.refund.Refunds.refund;
import static com.careledger.refund.Refunds.refundCash;
import static com.careledger.refund.Refunds.refused;
import static com.careledger.refund.Refunds.trialBalance;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Cash refunds at the counter (app.refund_cash): the percentage commission reversed by the cumulative rule (posting 6
 * of docs/ledger.md), the fixed fee reversed once when nothing of the bill stays paid, commission already settled owed
 * back through facility_payable, the shift's expected cash, idempotency and what is refused. Each test rolls back.
 */
class CashRefundTest {

    /** A commission that makes 0.10 of ₹3.00 (300 × 0.033333 = 9.9999 → 10), 18 % GST on it (0.018 → 0.02). */
    private static final String TEN_PAISE_ON_THREE_RUPEES = """
            "cash_commission_applies": true, "cash_commission_type": "percentage", "cash_commission_rate": 0.033333,
            "gst_on_cash_commission": true""";

    @Test
    void percentageCommissionIsReversedByTheCumulativeRule() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-cum", TEN_PAISE_ON_THREE_RUPEES);
            UUID bill = issuedBill(s, facility, 300);
            UUID clerk = clerk(s, facility, "ref-cum", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID cash = collect(s, bill, 300, "cash-cum");
            assertThat(s.string("select concat_ws(' ', commission_paise, commission_gst_paise) from cash_collections "
                    + "where id = ?", cash)).isEqualTo("10 2");

            UUID first = refundCash(s, cash, 100, "refund-cum-1");
            UUID second = refundCash(s, cash, 100, "refund-cum-2");
            UUID third = refundCash(s, cash, 100, "refund-cum-3");
            // 0.03, 0.04, 0.03 of the commission; 0.01, 0.00, 0.01 of its GST
            assertThat(reversed(s, first)).isEqualTo("3 1 4 0");
            assertThat(reversed(s, second)).isEqualTo("4 0 4 0");
            assertThat(reversed(s, third)).isEqualTo("3 1 4 0");
            assertThat(s.string("""
                    select concat_ws(' ', refunded_paise, commission_reversed_paise, commission_gst_reversed_paise,
                                     receivable_reversed_paise, settlement_status)
                    from cash_collections where id = ?""", cash)).isEqualTo("300 10 2 12 pending");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");

            s.as(SUPER_ADMIN, facility);
            assertThat(cashRefundLines(s, first)).containsExactly(
                    "D cash_commission_income 3", "D gst_output 1", "C facility_receivable 4");
            assertThat(cashRefundLines(s, second)).containsExactly("D cash_commission_income 4", "C facility_receivable 4");
            assertThat(s.string("select e.idempotency_key || ' ' || e.event_kind from journal_entries e "
                    + "join cash_refunds r on r.journal_entry_id = e.id where r.id = ?", first))
                    .isEqualTo("cash_refund:" + first + " cash_refund");
            // a full refund reverses exactly what was charged
            assertThat(balance(s, facility, "facility_receivable")).isZero();
            assertThat(balance(s, facility, "cash_commission_income")).isZero();
            assertThat(balance(s, facility, "gst_output")).isZero();
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void theWorkedPercentageExampleRefundedInPart() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-pct", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "ref-pct", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID cash = collect(s, bill, 300_000, "cash-pct-1");
            collect(s, bill, 200_000, "cash-pct-2");
            // ₹1 000 of the ₹3 000 (60.00 + 10.80): 20.00 + 3.60
            UUID refund = refundCash(s, cash, 100_000, "refund-pct-1");
            assertThat(reversed(s, refund)).isEqualTo("2000 360 2360 0");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 400000");
            s.as(SUPER_ADMIN, facility);
            // 118.00 − 23.60
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(9_440L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
        }
    }

    @Test
    void commissionAlreadySettledIsOwedBackThroughFacilityPayable() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-paid", TEN_PAISE_ON_THREE_RUPEES);
            UUID bill = issuedBill(s, facility, 300);
            UUID clerk = clerk(s, facility, "ref-paid", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID cash = collect(s, bill, 300, "cash-paid");
            // fixture: 0.08 of the 0.12 owed is in a paid settlement (settlements are written by their own function;
            // here the running totals are raised directly, as the definer)
            s.asDefiner("update cash_collections set allocated_paise = 8, settled_paise = 8, "
                    + "settlement_status = 'partially_settled' where id = ?", cash);

            // 0.04 reversed: the collection still owes 0.04, so all of it comes off facility_receivable, and what it
            // owed is now settled
            UUID first = refundCash(s, cash, 100, "refund-paid-1");
            assertThat(reversed(s, first)).isEqualTo("3 1 4 0");
            assertThat(s.string("select concat_ws(' ', receivable_reversed_paise, settlement_status) from cash_collections "
                    + "where id = ?", cash)).isEqualTo("4 settled");
            // the rest was paid by the facility: the platform owes it back
            UUID second = refundCash(s, cash, 100, "refund-paid-2");
            assertThat(reversed(s, second)).isEqualTo("4 0 0 4");
            s.as(SUPER_ADMIN, facility);
            assertThat(cashRefundLines(s, second)).containsExactly("D cash_commission_income 4", "C facility_payable 4");
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(4L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aFixedFeeIsReversedOnlyByTheRefundThatLeavesNothingOfTheBillPaid() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-fixed", FIXED_FEE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "ref-fixed", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID carrier = collect(s, bill, 300_000, "cash-fixed-1");
            UUID later = collect(s, bill, 200_000, "cash-fixed-2");

            UUID part = refundCash(s, carrier, 100_000, "refund-fixed-1");
            UUID rest = refundCash(s, carrier, 200_000, "refund-fixed-2");
            assertThat(reversed(s, part)).isEqualTo("0 0 0 0");
            assertThat(reversed(s, rest)).isEqualTo("0 0 0 0");
            assertThat(s.string("select count(*) from cash_refunds where journal_entry_id is null")).isEqualTo("2");
            // the last refund is of the collection without the fee: the fee comes off the collection that carried it
            UUID last = refundCash(s, later, 200_000, "refund-fixed-3");
            assertThat(reversed(s, last)).isEqualTo("2500 450 2950 0");
            assertThat(s.string("select concat_ws(' ', refunded_paise, commission_reversed_paise, commission_gst_reversed_paise, "
                    + "receivable_reversed_paise) from cash_collections where id = ?", carrier)).isEqualTo("300000 2500 450 2950");
            assertThat(s.string("select concat_ws(' ', refunded_paise, commission_reversed_paise) from cash_collections "
                    + "where id = ?", later)).isEqualTo("200000 0");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");

            s.as(SUPER_ADMIN, facility);
            assertThat(cashRefundLines(s, last)).containsExactly(
                    "D cash_commission_income 2500", "D gst_output 450", "C facility_receivable 2950");
            assertThat(balance(s, facility, "facility_receivable")).isZero();
            assertThat(trialBalance(s, facility)).isEqualTo("0");

            // a bill wholly refunded may be cancelled; its fee stays reversed once
            s.string("select app.cancel_bill(?, 'refunded in full')", bill);
            assertThat(s.rows("journal_entries where facility_id = ? and event_kind = 'cash_refund'", facility)).isEqualTo(1);
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void whenOnlineMoneyIsRefundedLastTheFixedFeeStays() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-split", FIXED_FEE);
            UUID bill = issuedBill(s, facility, 1_000_000);
            UUID clerk = clerk(s, facility, "ref-split", "billing");
            s.as(SUPER_ADMIN, facility);
            UUID payment = capture(s, bill, "pay_ref_split", "card", 600_000);
            s.as(clerk, facility);
            openShift(s, 400_000);
            UUID cash = collect(s, bill, 400_000, "cash-split");
            // the cash back first: ₹6 000 of the bill stays paid online, so the fee is not reversed
            assertThat(reversed(s, refundCash(s, cash, 400_000, "refund-split"))).isEqualTo("0 0 0 0");
            s.as(SUPER_ADMIN, facility);
            refund(s, payment, "rfnd_split", 600_000);
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");
            // an online refund reverses no cash commission (docs/ledger.md, "Refunds")
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(2_950L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
        }
    }

    @Test
    void theShiftExpectsItsFloatAndCollectionsLessTheCashRefundedOutOfIt() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-shift", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "ref-shift", "billing");
            UUID colleague = clerk(s, facility, "ref-shift2", "billing");
            s.as(clerk, facility);
            UUID shift = openShift(s, 100_000);
            UUID cash = collect(s, bill, 120_000, "cash-shift-1");
            refundCash(s, cash, 20_000, "refund-shift-1");

            // the colleague pays a refund out of their own shift, and only what their drawer holds
            s.as(colleague, facility);
            assertThat(s.failure("select app.refund_cash(?, 100, null, 'refund-shift-2')", cash))
                    .hasMessageContaining("no open shift");
            UUID theirs = openShift(s, 5_000);
            assertThat(refused(s, "select app.refund_cash(?, 5001, null, 'refund-shift-3')", cash))
                    .contains("your shift holds 5000 paise").startsWith("23514 ");
            UUID refund = refundCash(s, cash, 5_000, "refund-shift-4");
            assertThat(s.string("select concat_ws(' ', shift_id = ?, refunded_by = (select id from staff where user_id = ?), "
                    + "created_by = ?) from cash_refunds where id = ?", theirs, colleague, colleague, refund)).isEqualTo("t t t");
            assertThat(s.string("select concat_ws(' ', expected_paise, variance_paise) from app.close_shift(?, 0)", theirs))
                    .isEqualTo("0 0");

            s.as(clerk, facility);
            // 1 000.00 + 1 200.00 − 200.00 = 2 000.00 expected; 1 999.00 counted
            assertThat(s.string("select concat_ws(' ', status, expected_paise, counted_paise, variance_paise) "
                    + "from app.close_shift(?, 199900)", shift)).isEqualTo("closed 200000 199900 -100");
            // a closed shift pays out nothing
            assertThat(s.failure("select app.refund_cash(?, 100, null, 'refund-shift-5')", cash))
                    .hasMessageContaining("no open shift");
            assertThat(s.string("select concat_ws(' ', refunded_paise) from cash_collections where id = ?", cash))
                    .isEqualTo("25000");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 95000");
        }
    }

    @Test
    void theSameKeyReturnsTheFirstRefundAndBadRefundsWriteNothing() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "ref-bad", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID elsewhere = facility(s, "ref-bad-other", PERCENTAGE);
            UUID foreignBill = issuedBill(s, elsewhere, 10_000);
            UUID foreignClerk = clerk(s, elsewhere, "ref-bad-other", "billing");
            UUID clerk = clerk(s, facility, "ref-bad", "billing");
            UUID reception = clerk(s, facility, "ref-bad-rec", "reception");
            s.as(foreignClerk, elsewhere);
            openShift(s, 0);
            UUID foreign = collect(s, foreignBill, 10_000, "cash-bad-other");

            s.as(clerk, facility);
            openShift(s, 0);
            UUID cash = collect(s, bill, 300_000, "cash-bad");
            UUID first = refundCash(s, cash, 100_000, "refund-bad-1");
            assertThat(refundCash(s, cash, 100_000, "refund-bad-1")).isEqualTo(first);
            assertThat(s.failure("select app.refund_cash(?, 50000, null, 'refund-bad-1')", cash))
                    .hasMessageContaining("already used for another cash refund");

            assertThat(refused(s, "select app.refund_cash(?, 200001, null, 'refund-bad-2')", cash))
                    .contains("more than the 200000 paise left").startsWith("23514 ");
            assertThat(s.failure("select app.refund_cash(?, 0, null, 'refund-bad-3')", cash)).hasMessageContaining("more than 0 paise");
            assertThat(s.failure("select app.refund_cash(?, -1, null, 'refund-bad-4')", cash)).hasMessageContaining("more than 0 paise");
            assertThat(s.failure("select app.refund_cash(?, 100, null, null)", cash)).hasMessageContaining("idempotency key");
            assertThat(refused(s, "select app.refund_cash(?, 100, null, 'refund-bad-5')", foreign))
                    .contains("not found").startsWith("P0002 ");
            // the app role writes no refund itself
            assertThat(s.failure("update cash_collections set refunded_paise = 1 where id = ?", cash))
                    .hasMessageContaining("permission denied");

            for (UUID who : new UUID[] {reception, SUPER_ADMIN}) {
                s.as(who, facility);
                assertThat(refused(s, "select app.refund_cash(?, 100, null, 'refund-bad-6')", cash))
                        .contains("needs a staff member with cash.collect")
                        .startsWith("42501 ");
            }
            s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
            assertThat(s.failure("select app.refund_cash(?, 100, null, 'refund-bad-7')", cash))
                    .hasMessageContaining("needs a staff member with cash.collect");

            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("cash_refunds where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ? and event_kind = 'cash_refund'", facility)).isEqualTo(1);
            assertThat(s.string("select refunded_paise from cash_collections where id = ?", cash)).isEqualTo("100000");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 200000");
            assertThat(trialBalance(s, facility)).isEqualTo("0");
        }
    }

    /** commission reversed, its GST, receivable part, payable part of a cash refund. */
    private static String reversed(AppSession s, UUID refund) throws SQLException {
        return s.string("select concat_ws(' ', commission_reversed_paise, commission_gst_reversed_paise, receivable_paise, "
                + "payable_paise) from cash_refunds where id = ?", refund);
    }
}
