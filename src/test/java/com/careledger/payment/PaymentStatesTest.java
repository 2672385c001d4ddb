package com.careledger.payment;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.facility;
import static com.careledger.payment.OnlinePayments.figures;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Payment states before capture (app.create_payment_order, app.record_payment_authorized, app.record_payment_failed):
 * an order (created), an authorized attempt, a failed one, and capture of what was recorded; keys, idempotency, what is
 * refused. Each test rolls back.
 */
class PaymentStatesTest {

    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");

    private static UUID order(AppSession s, UUID bill, String orderId, long amountPaise) throws SQLException {
        return UUID.fromString(s.string("select app.create_payment_order(?, 'razorpay', ?, ?)::text", bill, orderId, amountPaise));
    }

    private static UUID authorized(AppSession s, String orderId, String paymentId, String method) throws SQLException {
        return UUID.fromString(s.string("select app.record_payment_authorized('razorpay', ?, ?, ?::payment_method)::text",
                orderId, paymentId, method));
    }

    private static UUID failed(AppSession s, String orderId, String paymentId, String reason) throws SQLException {
        return UUID.fromString(s.string("select app.record_payment_failed('razorpay', ?, ?, 'card', ?)::text",
                orderId, paymentId, reason));
    }

    private static UUID capture(AppSession s, UUID bill, String orderId, String paymentId, String method, long amountPaise)
            throws SQLException {
        return UUID.fromString(s.string("select app.capture_payment(?, 'razorpay', ?, ?, ?::payment_method, ?)::text",
                bill, orderId, paymentId, method, amountPaise));
    }

    private static String state(AppSession s, UUID payment) throws SQLException {
        return s.string("""
                select concat_ws(' ', status, coalesce(gateway_payment_id, '-'), coalesce(method::text, '-'),
                                 authorized_at is not null, failed_at is not null, coalesce(failure_reason, '-'),
                                 captured_at is not null, journal_entry_id is not null)
                from payments where id = ?""", payment);
    }

    @Test
    void anOrderIsAuthorizedThenCapturedInOneRowWithOneEntryAndOneReceipt() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "states", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 1_000_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID order = order(s, bill, "order_1", 1_000_000);
            assertThat(state(s, order)).isEqualTo("created - - f f - f f");
            // the same order again is the same row
            assertThat(order(s, bill, "order_1", 1_000_000)).isEqualTo(order);

            assertThat(authorized(s, "order_1", "pay_1", "card")).isEqualTo(order);
            assertThat(state(s, order)).isEqualTo("authorized pay_1 card t f - f f");
            assertThat(authorized(s, "order_1", "pay_1", "card")).isEqualTo(order);

            s.as(SUPER_ADMIN, facility);
            // nothing posted, nothing paid, no receipt before capture
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isZero();
            assertThat(s.rows("receipts where facility_id = ?", facility)).isZero();
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");

            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(capture(s, bill, "order_1", "pay_1", "card", 1_000_000)).isEqualTo(order);
            assertThat(capture(s, bill, "order_1", "pay_1", "card", 1_000_000)).isEqualTo(order);
            // a late authorization changes nothing
            assertThat(authorized(s, "order_1", "pay_1", "card")).isEqualTo(order);
            assertThat(state(s, order)).isEqualTo("captured pay_1 card t f - t t");
            assertThat(figures(s, order)).containsExactly(11_000L, 1_980L, 12_000L, 2_160L, 1_000L, 985_840L);

            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("payments where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("receipts where payment_id = ?", order)).isEqualTo(1);
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 1000000");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aFailedAttemptPostsNothingAndTheOrderTakesAnotherAttempt() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "failed", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 500_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID order = order(s, bill, "order_f", 500_000);

            UUID failedAtOnce = failed(s, "order_f", "pay_f1", " card declined ");
            assertThat(failedAtOnce).isNotEqualTo(order);
            assertThat(state(s, failedAtOnce)).isEqualTo("failed pay_f1 card f t card declined f f");
            assertThat(state(s, order)).isEqualTo("created - - f f - f f");
            assertThat(failed(s, "order_f", "pay_f1", "card declined")).isEqualTo(failedAtOnce);

            // an authorization that then fails
            assertThat(authorized(s, "order_f", "pay_f2", "card")).isEqualTo(order);
            assertThat(failed(s, "order_f", "pay_f2", "authorization expired")).isEqualTo(order);
            assertThat(state(s, order)).isEqualTo("failed pay_f2 card t t authorization expired f f");

            // a failed payment is not authorized or captured later, nor changed
            assertThat(s.sqlFailure("select app.record_payment_authorized('razorpay', 'order_f', 'pay_f1', 'card')").getSQLState())
                    .isEqualTo("55000");
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_f', 'pay_f2', 'card', 500000)", bill)
                    .getMessage()).contains("has failed");

            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isZero();
            assertThat(s.rows("receipts where facility_id = ?", facility)).isZero();
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");

            // the third attempt succeeds in a row of its own, with the order's bill and amount
            s.as(PAYMENT_WEBHOOK, facility);
            UUID third = authorized(s, "order_f", "pay_f3", "upi");
            assertThat(third).isNotIn(order, failedAtOnce);
            assertThat(capture(s, bill, "order_f", "pay_f3", "upi", 500_000)).isEqualTo(third);
            assertThat(s.sqlFailure("select app.record_payment_failed('razorpay', 'order_f', 'pay_f3', 'upi', 'late')")
                    .getMessage()).contains("is captured");
            s.as(SUPER_ADMIN, facility);
            assertThat(s.strings("select status::text from payments where facility_id = ? order by created_at, status", facility))
                    .containsExactlyInAnyOrder("failed", "failed", "captured");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 500000");
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(1);
        }
    }

    @Test
    void aCaptureTakesTheOpenOrderAndChecksItsBillAndAmount() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "open-order", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 300_000);
            UUID other = issuedBill(s, facility, 300_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID order = order(s, bill, "order_o", 200_000);

            // another bill's capture of this order, or another amount, is refused and writes nothing
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_o', 'pay_o', 'card', 200000)", other)
                    .getMessage()).contains("belongs to another bill");
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_o', 'pay_o', 'card', 150000)", bill)
                    .getSQLState()).isEqualTo("23514");
            // an order for another bill or amount under the same id
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_o', 200000)", other).getSQLState())
                    .isEqualTo("23505");
            assertThat(state(s, order)).isEqualTo("created - - f f - f f");

            // captured without an authorization first
            assertThat(capture(s, bill, "order_o", "pay_o", "card", 200_000)).isEqualTo(order);
            assertThat(state(s, order)).isEqualTo("captured pay_o card f f - t t");
            // one successful payment per order
            assertThat(s.sqlFailure("select app.capture_payment(?, 'razorpay', 'order_o', 'pay_o2', 'card', 200000)", bill)
                    .getSQLState()).isEqualTo("23505");
            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("payments where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 200000");
        }
    }

    @Test
    void badOrdersAndEventsAreRefusedAndWriteNothing() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "bad-order", "0.011", "0.012", "0.18");
            UUID bill = issuedBill(s, facility, 100_000);
            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_b', 0)", bill).getSQLState())
                    .isEqualTo("23514");
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_b', 100001)", bill).getMessage())
                    .contains("more than the 100000 paise outstanding");
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', ' ', 100)", bill).getSQLState())
                    .isEqualTo("23502");
            // another facility's bill is not found
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_b', 100)", ANIL_ISSUED_BILL)
                    .getSQLState()).isEqualTo("P0002");
            // events of an order nobody created
            assertThat(s.sqlFailure("select app.record_payment_authorized('razorpay', 'order_none', 'pay_b', 'card')").getSQLState())
                    .isEqualTo("P0002");
            order(s, bill, "order_b", 100_000);
            assertThat(s.sqlFailure("select app.record_payment_failed('razorpay', 'order_b', 'pay_b', 'card', '')").getSQLState())
                    .isEqualTo("23514");
            capture(s, bill, "order_b", "pay_b", "card", 100_000);
            // a paid bill takes no more orders
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_b2', 100)", bill).getSQLState())
                    .isEqualTo("55000");
            // the app role changes no payment itself
            assertThat(s.sqlFailure("update payments set status = 'failed' where bill_id = ?", bill).getMessage())
                    .contains("permission denied");
            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("payments where facility_id = ?", facility)).isEqualTo(1);

            // who records: the order billing staff or the webhook, its events the webhook only, nobody else
            s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
            assertThat(s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_d', 100)", ANIL_ISSUED_BILL)
                    .getMessage()).contains("needs billing.manage");
            s.as(PARTITION_UPKEEP, SANJEEVANI);
            assertThat(s.sqlFailure("select app.record_payment_authorized('razorpay', 'order_d', 'pay_d', 'card')")
                    .getSQLState()).isEqualTo("42501");
            s.as(PAYMENT_WEBHOOK, null);
            assertThat(s.sqlFailure("select app.record_payment_failed('razorpay', 'order_d', 'pay_d', 'card', 'x')")
                    .getSQLState()).isEqualTo("42501");
        }
    }
}
