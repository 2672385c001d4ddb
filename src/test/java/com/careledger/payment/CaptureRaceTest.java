package com.careledger.payment;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.facility;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import com.careledger.test.CommittedDatabase;
import com.careledger.test.CommittedDatabase.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The same gateway capture delivered 100 times at once, on 16 threads with their own connections, on committed data
 * ({@link CommittedDatabase}): one payment, one ledger entry, one receipt. Each test has its own facility.
 */
class CaptureRaceTest {

    private static final int DELIVERIES = 100;

    @Test
    void oneCaptureDeliveredAHundredTimesAtOnceIsOnePaymentAndOneEntry() throws Exception {
        String tag = "capture-race-" + UUID.randomUUID().toString().substring(0, 8);
        UUID facility;
        UUID bill;
        try (AppSession s = CommittedDatabase.open()) {
            facility = facility(s, tag, "0.011", "0.012", "0.18");
            bill = issuedBill(s, facility, 1_000_000);
            OnlinePayments.order(s, bill, "pay_" + tag, 1_000_000);
            s.commit();
        }

        List<Outcome<UUID>> outcomes = CommittedDatabase.race(16, DELIVERIES, (s, n) -> {
            s.as(PAYMENT_WEBHOOK, facility);
            UUID payment = capture(s, bill, "pay_" + tag, "card", 1_000_000);
            s.commit();
            return payment;
        });

        assertThat(outcomes).hasSize(DELIVERIES).allMatch(Outcome::succeeded);
        assertThat(outcomes.stream().map(Outcome::value).distinct()).hasSize(1);
        assertCapturedOnce(facility, bill, outcomes.getFirst().value());
    }

    @Test
    void anAuthorizedOrderCapturedAHundredTimesAtOnceIsCapturedOnce() throws Exception {
        String tag = "order-race-" + UUID.randomUUID().toString().substring(0, 8);
        UUID facility;
        UUID bill;
        UUID order;
        try (AppSession s = CommittedDatabase.open()) {
            facility = facility(s, tag, "0.011", "0.012", "0.18");
            bill = issuedBill(s, facility, 1_000_000);
            s.as(PAYMENT_WEBHOOK, facility);
            order = UUID.fromString(s.string("select app.create_payment_order(?, 'razorpay', ?, 1000000)::text",
                    bill, "order_pay_" + tag));
            s.string("select app.record_payment_authorized('razorpay', ?, ?, 'card')::text", "order_pay_" + tag, "pay_" + tag);
            s.commit();
        }

        List<Outcome<UUID>> outcomes = CommittedDatabase.race(16, DELIVERIES, (s, n) -> {
            s.as(PAYMENT_WEBHOOK, facility);
            UUID payment = capture(s, bill, "pay_" + tag, "card", 1_000_000);
            s.commit();
            return payment;
        });

        assertThat(outcomes).hasSize(DELIVERIES).allMatch(Outcome::succeeded);
        assertThat(outcomes.stream().map(Outcome::value).distinct()).containsExactly(order);
        assertCapturedOnce(facility, bill, order);
    }

    private static void assertCapturedOnce(UUID facility, UUID bill, UUID payment) throws Exception {
        try (AppSession s = CommittedDatabase.open()) {
            s.as(SUPER_ADMIN, facility);
            assertThat(s.strings("select id::text from payments where facility_id = ?", facility))
                    .containsExactly(payment.toString());
            assertThat(s.string("select status from payments where id = ?", payment)).isEqualTo("captured");
            assertThat(s.count("select count(*) from journal_entries where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.strings("select serial::text from receipts where facility_id = ?", facility)).containsExactly("1");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("paid 1000000");
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", facility)).isEqualTo("985840");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
        }
    }
}
