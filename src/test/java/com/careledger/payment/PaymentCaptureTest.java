package com.careledger.payment;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.facility;
import static com.careledger.payment.OnlinePayments.figures;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.payment.OnlinePayments.journalLines;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Capturing online payments (app.capture_payment): the worked examples of docs/ledger.md to the paisa, the ledger entry
 * of posting 1, the bill's paid amount, idempotency per gateway payment id, and who may capture. Each test rolls back.
 */
class PaymentCaptureTest {

    /** Demo: Anil's issued bill at Sanjeevani, and Priya's at Shree Medical Store. */
    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");
    private static final UUID SHREE_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000501");
    private static final UUID ANIL_DRAFT_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000103");

    @Test
    void theWorkedExampleHoldsToThePaisaWithTheSixLinesOfPostingOne() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "worked", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 1_000_000);
            UUID payment = capture(s, bill, "pay_worked", "card", 1_000_000);

            // 110.00 + 19.80; 120.00 + 21.60; commission 10.00; net 9 858.40
            assertThat(figures(s, payment)).containsExactly(11_000L, 1_980L, 12_000L, 2_160L, 1_000L, 985_840L);
            assertThat(s.string("""
                    select concat_ws(' ', gateway_mdr, platform_mdr, gst_rate, status, applied_paise, advance_paise,
                                     configuration_effective_from = (select effective_from from facility_configurations
                                                                     where facility_id = p.facility_id))
                    from payments p where id = ?""", payment))
                    .isEqualTo("0.011000 0.012000 0.1800 captured 1000000 0 t");
            assertThat(journalLines(s, payment)).containsExactly(
                    "D gateway_clearing[razorpay] 987020",
                    "D gateway_fee_expense 11000",
                    "D gst_input 1980",
                    "C facility_payable 985840",
                    "C platform_fee_income 12000",
                    "C gst_output 2160");
            assertThat(s.string("select concat_ws(' ', status, paid_paise, amount_due_paise) from bills where id = ?", bill))
                    .isEqualTo("paid 1000000 0");
            assertThat(s.string("select app.account_balance(?, 'gateway_clearing', 'razorpay')", facility)).isEqualTo("987020");
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", facility)).isEqualTo("985840");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            // the deferred balance check passes now, as it will at commit
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void razorpaysPublishedCasesAndGstOnTheRoundedFee() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "razorpay", "0.0025", "0.0025", "0.18");
            UUID bill = issuedBill(s, facility, 121_000);
            // ₹900 at 0.25 % with 18 % GST: 2.25 + 0.41 = 2.66
            assertThat(figures(s, capture(s, bill, "pay_900", "card", 90_000)).subList(0, 2)).containsExactly(225L, 41L);
            // ₹300: 0.75 + 0.14 = 0.89
            assertThat(figures(s, capture(s, bill, "pay_300", "card", 30_000)).subList(0, 2)).containsExactly(75L, 14L);
            // ₹10.00: fee 0.025 -> 0.03, GST 0.0054 -> 0.01 (0.04 in all; rounding once would give 0.03)
            assertThat(figures(s, capture(s, bill, "pay_10", "card", 1_000)).subList(0, 2)).containsExactly(3L, 1L);
            assertThat(s.strings("select concat_ws(' ', gateway_fee_paise, gateway_gst_paise, platform_fee_paise, platform_gst_paise) "
                    + "from app.online_payment_figures(1000, 0.0025, 0.0025, 0.18)")).containsExactly("3 1 3 1");

            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 121000");
            assertThat(s.table("select sum(debit_paise)::text, sum(credit_paise)::text, sum(balance_paise)::text "
                    + "from app.trial_balance(?)", facility)).containsExactly(List.of("121000", "121000", "0"));
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(null)")).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aSecondDeliveryReturnsTheSamePaymentAndPostsNothing() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "idem", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 500_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID first = capture(s, bill, "pay_twice", "card", 200_000);
            UUID second = capture(s, bill, "pay_twice", "card", 200_000);
            assertThat(second).isEqualTo(first);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("payments where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.string("select idempotency_key from journal_entries where facility_id = ?", facility))
                    .isEqualTo("capture:razorpay:pay_twice");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 200000");
            assertThat(s.string("select created_by::text from payments where id = ?", first)).isEqualTo(PAYMENT_WEBHOOK.toString());

            // the same gateway id with other details is an error, not a second payment
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'order_pay_twice', 'pay_twice', 'card', 300000)", bill))
                    .hasMessageContaining("already captured with other details");
            // the same id at another gateway is another payment
            assertThat(s.string("select app.capture_payment(?, 'payu', 'order_x', 'pay_twice', 'upi', 1000)::text", bill))
                    .isNotEqualTo(first.toString());
        }
    }

    @Test
    void aPaymentBeyondWhatIsOutstandingBecomesAnAdvanceFlaggedForRefund() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "advance", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 500_000);
            capture(s, bill, "pay_part", "card", 300_000);
            UUID over = capture(s, bill, "pay_over", "card", 400_000);
            assertThat(s.string("select concat_ws(' ', applied_paise, advance_paise, advance_refund_due) from payments where id = ?", over))
                    .isEqualTo("200000 200000 t");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 500000");
            UUID late = capture(s, bill, "pay_late", "upi", 100_000);
            assertThat(s.string("select concat_ws(' ', applied_paise, advance_paise, advance_refund_due) from payments where id = ?", late))
                    .isEqualTo("0 100000 t");
            // UPI at 0 %: no fee lines, the whole amount is owed to the facility
            assertThat(journalLines(s, late)).containsExactly("D gateway_clearing[razorpay] 100000", "C facility_payable 100000");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
        }
    }

    @Test
    void billingStaffAndTheWebhookCaptureOthersCannot() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            UUID payment = capture(s, ANIL_ISSUED_BILL, "pay_clerk", "upi", 100);
            assertThat(s.rows("payments where id = ?", payment)).isEqualTo(1);
            // the clerk reads the payment, not the ledger
            assertThat(s.rows("journal_entries")).isZero();
            // another facility's bill is not found
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'o1', 'p1', 'card', 100)", SHREE_ISSUED_BILL))
                    .hasMessageContaining("not found");
            // a draft is not paid; nothing is paid with 0
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'o2', 'p2', 'card', 100)", ANIL_DRAFT_BILL))
                    .hasMessageContaining("is a draft");
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'o3', 'p3', 'card', 0)", ANIL_ISSUED_BILL))
                    .hasMessageContaining("more than 0 paise");
            // the app role writes no payment itself
            assertThat(s.failure("update payments set amount_paise = 1 where id = ?", payment)).hasMessageContaining("permission denied");
            assertThat(s.failure("""
                    insert into payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, gateway_payment_id,
                                          method, amount_paise, status, created_by)
                    select facility_id, id, patient_id, 'razorpay', 'o', 'p', 'card', 1, 'created', ? from bills where id = ?""",
                    SANJEEVANI_BILLING, ANIL_ISSUED_BILL)).hasMessageContaining("permission denied");

            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.rows("journal_entries")).isEqualTo(1);

            s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'o4', 'p4', 'card', 100)", ANIL_ISSUED_BILL))
                    .hasMessageContaining("needs billing.manage");
            s.as(PARTITION_UPKEEP, SANJEEVANI);
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'o5', 'p5', 'card', 100)", ANIL_ISSUED_BILL))
                    .hasMessageContaining("needs billing.manage");
            s.as(PAYMENT_WEBHOOK, null);
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'o6', 'p6', 'card', 100)", ANIL_ISSUED_BILL))
                    .hasMessageContaining("needs billing.manage");
            s.as(PAYMENT_WEBHOOK, SANJEEVANI);
            capture(s, ANIL_ISSUED_BILL, "pay_webhook", "upi", 100);
        }
    }
}
