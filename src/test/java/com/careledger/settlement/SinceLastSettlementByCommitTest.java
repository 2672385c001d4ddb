package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.careledger.payment.OnlinePayments;
import com.careledger.settlement.SettlementFixtures.Rules;
import com.careledger.test.AppSession;
import com.careledger.test.CommittedDatabase;
import org.junit.jupiter.api.Test;

/**
 * The owner's third question counts an entry after a settlement when the settlement's transaction did not see it,
 * whenever the entry's transaction started. Two real connections of the app role on committed data, interleaved by
 * program order (one thread): a capture starts first and commits last, a settlement is paid and committed in
 * between.
 */
class SinceLastSettlementByCommitTest {

    @Test
    void aCaptureThatStartedBeforeASettlementAndCommittedAfterItCountsAfterIt() throws Exception {
        String tag = "since-" + UUID.randomUUID().toString().substring(0, 8);
        UUID facility;
        UUID settlement;
        UUID bill;
        try (AppSession fixture = CommittedDatabase.openWithDefinerAccess()) {
            facility = SettlementFixtures.facility(fixture, tag, Rules.DEFAULT);
            UUID settled = SettlementFixtures.cardPayment(fixture, facility, 1_000_000);
            SettlementFixtures.gatewaySettle(fixture, facility, settled);
            settlement = UUID.fromString(fixture.string(
                    "select app.create_settlement(?, 'online_pg', app.ist_today(), app.ist_today())::text", facility));
            fixture.execute("select app.submit_settlement(?)", settlement);
            fixture.execute("select app.approve_settlement(?)", settlement);
            bill = OnlinePayments.issuedBill(fixture, facility, 500_000);
            OnlinePayments.order(fixture, bill, "pay_" + tag, 500_000);
            fixture.commit();
        }

        try (AppSession capture = CommittedDatabase.open(); AppSession payout = CommittedDatabase.open()) {
            // the gateway's capture starts first and stays open
            capture.as(PAYMENT_WEBHOOK, facility);
            UUID payment = UUID.fromString(capture.string(
                    "select app.capture_payment(?, 'razorpay', ?, ?, 'card', 500000)::text", bill, "order_pay_" + tag, "pay_" + tag));

            // the settlement is paid meanwhile and commits (it waits for nothing the capture holds; a lock it did wait
            // for would end it here rather than hang the test)
            payout.as(SUPER_ADMIN, facility);
            payout.execute("set local lock_timeout = '20s'");
            payout.string("select app.pay_settlement(?, ?)::text", settlement, "UTRSINCE" + tag.substring(6));
            payout.commit();

            capture.commit();

            payout.as(SUPER_ADMIN, facility);
            // the capture's entry began before the settlement's: by start time it would fall before the settlement
            assertThat(payout.bool("""
                    select c.posted_at < s.posted_at
                    from journal_entries c, journal_entries s
                    where c.idempotency_key = ? and s.idempotency_key = ?""",
                    "capture:razorpay:pay_" + tag, "settlement_paid:" + settlement)).isTrue();
            assertThat(payout.count("""
                    select coalesce(sum(l.credit_paise - l.debit_paise), 0) from journal_lines l
                    where l.facility_id = ? and l.account in ('facility_payable', 'facility_receivable')
                      and l.posted_at > (select posted_at from journal_entries where idempotency_key = ?)""",
                    facility, "settlement_paid:" + settlement)).as("by start time").isZero();

            // by what the settlement saw, it is after it: n = 5 000 − 60.00 − 10.80 = 4 929.20
            long net = payout.count("select net_settlement_paise from payments where id = ?", payment);
            assertThat(net).isEqualTo(492_920);
            assertThat(payout.table("""
                    select last_settlement_paid_at is not null, change_since_paise, open_net_paise
                    from app.pending_since_last_settlement(?)""", facility).getFirst())
                    .containsExactly("t", "492920", "492920");
        }
    }
}
