package com.careledger.payment;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.facility;
import static com.careledger.payment.OnlinePayments.figures;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.payment.OnlinePayments.journalLines;
import static com.careledger.payment.OnlinePayments.order;
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
 * of posting 1, the bill's paid amount, idempotency per gateway payment id, and who may capture: billing staff create
 * the order, only the payment webhook records the capture, of the order's bill and amount. Each test rolls back.
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
            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'order_pay_twice', 'pay_twice', 'card', 300000)", bill))
                    .hasMessageContaining("a capture of 300000 paise is refused");
            assertThat(s.failure("select app.capture_payment(?, 'razorpay', 'order_pay_twice', 'pay_twice', 'upi', 200000)", bill))
                    .hasMessageContaining("already captured with other details");
            // the same id at another gateway is another payment (of an order at that gateway)
            s.string("select app.create_payment_order(?, 'payu', 'order_x', 1000)::text", bill);
            assertThat(s.string("select app.capture_payment(?, 'payu', 'order_x', 'pay_twice', 'upi', 1000)::text", bill))
                    .isNotEqualTo(first.toString());
        }
    }

    @Test
    void aPaymentBeyondWhatIsOutstandingBecomesAnAdvanceFlaggedForRefund() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "advance", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 500_000);
            // three orders while nothing is paid yet, each within the 500000 outstanding; the patient pays all three
            order(s, bill, "pay_part", 300_000);
            order(s, bill, "pay_over", 400_000);
            order(s, bill, "pay_late", 100_000);
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
            // the paid bill takes no further order
            assertThat(s.failure("select app.create_payment_order(?, 'razorpay', 'order_after', 100)", bill))
                    .hasMessageContaining("only an issued, unpaid bill takes a payment order");
        }
    }

    @Test
    void onlyThePaymentWebhookCapturesWhileBillingStaffCreateTheOrder() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_BILLING, SANJEEVANI)) {
            // the clerk creates the order; the capture is the gateway's (recorded as the webhook by the helper)
            UUID order = order(s, ANIL_ISSUED_BILL, "pay_clerk", 100);
            assertThat(s.string("select concat_ws(' ', status, created_by = ?) from payments where id = ?",
                    SANJEEVANI_BILLING, order)).isEqualTo("created t");
            // ... but records no event of it: not the capture, the authorization, a failure or a refund
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_pay_clerk', 'pay_clerk', 'upi', 100)",
                    ANIL_ISSUED_BILL).getMessage()).contains("recorded only from the payment gateway");
            assertThat(s.sqlFailure("select app.record_payment_authorized('razorpay', 'order_pay_clerk', 'pay_clerk', 'upi')")
                    .getSQLState()).isEqualTo("42501");
            assertThat(s.sqlFailure("select app.record_payment_failed('razorpay', 'order_pay_clerk', 'pay_clerk', 'upi', 'x')")
                    .getSQLState()).isEqualTo("42501");
            UUID payment = capture(s, ANIL_ISSUED_BILL, "pay_clerk", "upi", 100);
            assertThat(payment).isEqualTo(order);
            assertThat(s.string("select concat_ws(' ', status, created_by = ?) from payments where id = ?",
                    SANJEEVANI_BILLING, payment)).isEqualTo("captured t");
            assertThat(s.sqlFailure("select app.refund_payment(?, 'rfnd_clerk', 100, null)", payment).getSQLState())
                    .isEqualTo("42501");
            // the clerk reads the payment, not the ledger
            assertThat(s.rows("journal_entries")).isZero();
            // the app role writes no payment itself
            assertThat(s.failure("update payments set amount_paise = 1 where id = ?", payment)).hasMessageContaining("permission denied");
            assertThat(s.failure("""
                    insert into payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, gateway_payment_id,
                                          method, amount_paise, status, created_by)
                    select facility_id, id, patient_id, 'razorpay', 'o', 'p', 'card', 1, 'created', ? from bills where id = ?""",
                    SANJEEVANI_BILLING, ANIL_ISSUED_BILL)).hasMessageContaining("permission denied");
            // orders: another facility's bill is not found; a draft takes none
            assertThat(s.failure("select app.create_payment_order(?, 'razorpay', 'o1', 100)", SHREE_ISSUED_BILL))
                    .hasMessageContaining("not found");
            assertThat(s.failure("select app.create_payment_order(?, 'razorpay', 'o2', 100)", ANIL_DRAFT_BILL))
                    .hasMessageContaining("only an issued, unpaid bill");

            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.rows("journal_entries")).isEqualTo(1);
            // no one but the webhook captures: not the facility admin, the super admin, a doctor, another system principal
            order(s, ANIL_ISSUED_BILL, "pay_others", 100);
            for (UUID who : List.of(SANJEEVANI_ADMIN, SUPER_ADMIN, SANJEEVANI_DOCTOR, PARTITION_UPKEEP)) {
                s.as(who, SANJEEVANI);
                assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_pay_others', 'pay_others', 'card', 100)",
                        ANIL_ISSUED_BILL).getSQLState()).as("capture by %s", who).isEqualTo("42501");
            }
            // ... and neither the doctor nor another system principal creates an order
            for (UUID who : List.of(SANJEEVANI_DOCTOR, PARTITION_UPKEEP)) {
                s.as(who, SANJEEVANI);
                assertThat(s.failure("select app.create_payment_order(?, 'razorpay', 'o4', 100)", ANIL_ISSUED_BILL))
                        .hasMessageContaining("needs billing.manage");
            }
            // the webhook records in a facility, never without one
            s.as(PAYMENT_WEBHOOK, null);
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_pay_others', 'pay_others', 'card', 100)",
                    ANIL_ISSUED_BILL).getSQLState()).isEqualTo("42501");
            s.as(PAYMENT_WEBHOOK, SANJEEVANI);
            // of an order someone created, of its bill, of its amount
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_none', 'pay_none', 'card', 100)",
                    ANIL_ISSUED_BILL).getMessage()).contains("the order is created first");
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_pay_others', 'pay_others', 'card', 101)",
                    ANIL_ISSUED_BILL).getSQLState()).isEqualTo("23514");
            assertThat(s.string("select app.capture_payment(?, 'razorpay', 'order_pay_others', 'pay_others', 'card', 100)::text",
                    ANIL_ISSUED_BILL)).isNotEqualTo(payment.toString());
        }
    }
}
