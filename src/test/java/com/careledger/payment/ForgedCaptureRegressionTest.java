package com.careledger.payment;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * The attack on online payments, tried again as the app's own roles: a billing clerk recorded a "captured" payment
 * with made-up gateway ids and 10^18 paise on an ₹850 bill, and the books then said the platform owed the facility
 * ₹9.86 quadrillion. Now no staff permission records a capture (only the payment webhook does), a capture is of its
 * order's amount, and an order is at most what the bill has outstanding. Each test rolls back.
 */
class ForgedCaptureRegressionTest {

    private static final long QUINTILLION = 1_000_000_000_000_000_000L;   // 10^18 paise

    @Test
    void aBillingClerkCannotRecordACapturedPaymentWithMadeUpIdsAndAnyAmount() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            UUID bill = issuedBill(s, SANJEEVANI, 85_000);   // ₹850
            String payableBefore = s.string("select app.account_balance(?, 'facility_payable')", SANJEEVANI);

            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            // the attack as it was: made-up ids, any amount, no order
            SQLException forged = s.sqlFailure(
                    "select app.capture_payment(?, 'razorpay', 'order_madeup', 'pay_madeup', 'card', ?)", bill, QUINTILLION);
            assertThat(forged.getSQLState()).isEqualTo("42501");
            assertThat(forged.getMessage()).contains("recorded only from the payment gateway");
            // nor through an order: none beyond the bill's ₹850 ...
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_madeup', ?)", bill, QUINTILLION)
                    .getSQLState()).isEqualTo("23514");
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_madeup', 85001)", bill)
                    .getMessage()).contains("more than the 85000 paise outstanding");
            // ... and a fair order the clerk made is captured, authorized or refunded by the gateway only
            s.string("select app.create_payment_order(?, 'razorpay', 'order_fair', 85000)::text", bill);
            for (String event : List.of(
                    "select app.capture_payment('" + bill + "', 'razorpay', 'order_fair', 'pay_madeup', 'card', 85000)",
                    "select app.record_payment_authorized('razorpay', 'order_fair', 'pay_madeup', 'card')",
                    "select app.record_payment_failed('razorpay', 'order_fair', 'pay_madeup', 'card', 'made up')")) {
                assertThat(s.sqlFailure(event).getSQLState()).as(event).isEqualTo("42501");
            }
            // the facility admin and the super admin cannot record it either
            for (UUID who : List.of(SANJEEVANI_ADMIN, SUPER_ADMIN)) {
                s.as(who, SANJEEVANI);
                assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_fair', 'pay_madeup', 'card', ?)",
                        bill, QUINTILLION).getSQLState()).as("capture by %s", who).isEqualTo("42501");
            }
            // the gateway's own capture is bounded by the order, so by the bill
            s.as(PAYMENT_WEBHOOK, SANJEEVANI);
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_fair', 'pay_madeup', 'card', ?)",
                    bill, QUINTILLION).getMessage()).contains("gateway order order_fair is of 85000 paise");
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_madeup', 'pay_madeup', 'card', 85000)",
                    bill).getSQLState()).isEqualTo("P0002");

            // nothing was captured, nothing paid, nothing owed
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings("select status::text from payments where bill_id = ?", bill)).containsExactly("created");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", SANJEEVANI)).isEqualTo(payableBefore);
            assertThat(s.rows("receipts where bill_id = ?", bill)).isZero();
        }
    }
}
