package com.careledger.refund;

import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.payment.OnlinePayments.order;
import static com.careledger.refund.Refunds.balance;
import static com.careledger.refund.Refunds.facility;
import static com.careledger.refund.Refunds.refund;
import static com.careledger.refund.Refunds.refundLines;
import static com.careledger.refund.Refunds.refused;
import static com.careledger.refund.Refunds.trialBalance;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Refunds of online payments (app.refund_payment): the partial refund and the cumulative rule of docs/ledger.md to the
 * paisa (posting 5, worked examples 7 and 8), the gateway fee borne by the facility, advances, recoveries beyond the
 * payment's open amount, idempotency per gateway refund id, and what is refused: only the payment webhook records a
 * refund. Each test rolls back.
 */
class OnlineRefundTest {

    /** Demo: Anil's issued bill at Sanjeevani. */
    private static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");

    @Test
    void thePartialRefundOfTheWorkedExampleHoldsToThePaisa() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "worked", "0.011", "0.012", "platform");
            UUID bill = issuedBill(s, facility, 1_000_000);
            UUID payment = capture(s, bill, "pay_worked", "card", 1_000_000);
            UUID refund = refund(s, payment, "rfnd_worked", 250_000);

            // ₹2 500 of ₹10 000: p_r 30.00, pg_r 5.40; the facility bears 2 464.60; the gateway keeps its fee
            assertThat(refundLines(s, refund)).containsExactly(
                    "D platform_fee_income 3000",
                    "D gst_output 540",
                    "D facility_payable 246460",
                    "C gateway_clearing[razorpay] 250000");
            assertThat(s.string("""
                    select concat_ws(' ', advance_paise, platform_fee_reversed_paise, platform_gst_reversed_paise,
                                     gateway_fee_recovered_paise, gateway_gst_recovered_paise, payable_paise, recovery_paise,
                                     gateway_settlement_id is null, refunded_by = ?)
                    from payment_refunds where id = ?""", PAYMENT_WEBHOOK, refund)).isEqualTo("0 3000 540 0 0 246460 0 t t");
            assertThat(s.string("""
                    select concat_ws(' ', status, refunded_paise, platform_fee_reversed_paise, platform_gst_reversed_paise,
                                     refund_payable_paise)
                    from payments where id = ?""", payment)).isEqualTo("partially_refunded 250000 3000 540 246460");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 750000");
            assertThat(s.string("select e.idempotency_key || ' ' || e.event_kind from journal_entries e "
                    + "join payment_refunds r on r.journal_entry_id = e.id where r.id = ?", refund))
                    .isEqualTo("refund:razorpay:rfnd_worked online_refund");
            // 9 858.40 − 2 464.60; 9 870.20 − 2 500.00
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(739_380L);
            assertThat(balance(s, facility, "gateway_clearing")).isEqualTo(737_020L);
            assertThat(balance(s, facility, "platform_fee_income")).isEqualTo(9_000L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aFacilityThatBearsTheGatewayFeePaysItsShareByThePricingVersion() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "bearer", "0.011", "0.012", "facility");
            UUID bill = issuedBill(s, facility, 1_000_000);
            UUID payment = capture(s, bill, "pay_bearer", "card", 1_000_000);
            UUID first = refund(s, payment, "rfnd_bearer_1", 250_000);

            // also D facility_payable 32.45 (27.50 + 4.95), C fee_recovery_income 32.45
            assertThat(refundLines(s, first)).containsExactly(
                    "D platform_fee_income 3000",
                    "D gst_output 540",
                    "D facility_payable 246460",
                    "D facility_payable 3245",
                    "C gateway_clearing[razorpay] 250000",
                    "C fee_recovery_income 3245");
            assertThat(s.string("select concat_ws(' ', gateway_fee_recovered_paise, gateway_gst_recovered_paise, payable_paise) "
                    + "from payment_refunds where id = ?", first)).isEqualTo("2750 495 249705");

            // a later version (fixture: written as the definer, as an admin's change would be) says the platform
            // bears it; the payment was priced by the earlier one, so its refunds still recover the fee
            s.asDefiner("""
                    insert into facility_configurations
                    select (jsonb_populate_record(null::facility_configurations, to_jsonb(c)
                            || jsonb_build_object('effective_from', now() + interval '1 second',
                                                  'refund_gateway_fee_bearer', 'platform'))).*
                    from facility_configurations c where c.facility_id = ?""", facility);
            assertThat(s.string("select refund_gateway_fee_bearer::text from facility_configurations "
                    + "where facility_id = ? order by effective_from desc limit 1", facility)).isEqualTo("platform");
            UUID second = refund(s, payment, "rfnd_bearer_2", 250_000);
            assertThat(s.string("select concat_ws(' ', platform_fee_reversed_paise, gateway_fee_recovered_paise, "
                    + "gateway_gst_recovered_paise) from payment_refunds where id = ?", second)).isEqualTo("3000 2750 495");

            assertThat(balance(s, facility, "fee_recovery_income")).isEqualTo(6_490L);
            assertThat(balance(s, facility, "facility_payable")).isEqualTo(985_840L - 2 * 249_705L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void theCumulativeRuleReversesThreeFourThreeAndAFullRefundReversesExactlyWhatWasCharged() throws Exception {
        try (AppSession s = AppSession.open()) {
            // ₹3.00 at a platform MDR that makes the fee 0.10 (300 × 0.033333 = 9.9999 → 10), GST 0.02;
            // gateway 300 × 1.1 % = 3.3 → 3, GST 0.54 → 1; the facility bears the gateway fee
            UUID facility = facility(s, "cumulative", "0.011", "0.033333", "facility");
            UUID bill = issuedBill(s, facility, 300);
            UUID payment = capture(s, bill, "pay_cumulative", "card", 300);
            assertThat(s.string("select concat_ws(' ', platform_fee_paise, platform_gst_paise, gateway_fee_paise, "
                    + "gateway_gst_paise, net_settlement_paise) from payments where id = ?", payment)).isEqualTo("10 2 3 1 288");

            List<UUID> refunds = List.of(refund(s, payment, "rfnd_cum_1", 100), refund(s, payment, "rfnd_cum_2", 100),
                    refund(s, payment, "rfnd_cum_3", 100));
            assertThat(column(s, refunds, "platform_fee_reversed_paise")).containsExactly("3", "4", "3");
            assertThat(column(s, refunds, "platform_gst_reversed_paise")).containsExactly("1", "0", "1");
            assertThat(column(s, refunds, "gateway_fee_recovered_paise")).containsExactly("1", "1", "1");
            assertThat(column(s, refunds, "gateway_gst_recovered_paise")).containsExactly("0", "1", "0");
            // costs 97, 98, 97: the last finds only 93 of the net 288 left; the 4 paise of gateway fee are a recovery
            assertThat(column(s, refunds, "payable_paise")).containsExactly("97", "98", "93");
            assertThat(column(s, refunds, "recovery_paise")).containsExactly("0", "0", "4");

            assertThat(s.string("""
                    select concat_ws(' ', status, refunded_paise, platform_fee_reversed_paise, platform_gst_reversed_paise,
                                     gateway_fee_recovered_paise, gateway_gst_recovered_paise, refund_payable_paise)
                    from payments where id = ?""", payment)).isEqualTo("refunded 300 10 2 3 1 288");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");
            // everything charged is reversed; what is left is the gateway's fee, recovered from the facility
            assertThat(balance(s, facility, "platform_fee_income")).isZero();
            assertThat(balance(s, facility, "gst_output")).isZero();
            assertThat(balance(s, facility, "facility_payable")).isZero();
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(4L);
            assertThat(balance(s, facility, "fee_recovery_income")).isEqualTo(4L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            // nothing is left to refund
            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_cum_4', 1, null)", payment))
                    .hasMessageContaining("more than the 0 paise left");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void theAdvanceGoesBackFirstThenTheBill() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "advance", "0.011", "0.012", "platform");
            UUID bill = issuedBill(s, facility, 500_000);
            // two orders while nothing is paid, both captured: the second pays 200000 of the bill and 200000 in advance
            order(s, bill, "pay_adv_over", 400_000);
            capture(s, bill, "pay_adv_part", "card", 300_000);
            UUID over = capture(s, bill, "pay_adv_over", "card", 400_000);
            assertThat(s.string("select concat_ws(' ', applied_paise, advance_paise) from payments where id = ?", over))
                    .isEqualTo("200000 200000");

            UUID refund = refund(s, over, "rfnd_adv", 250_000);
            assertThat(s.string("select advance_paise from payment_refunds where id = ?", refund)).isEqualTo("200000");
            assertThat(s.string("select concat_ws(' ', advance_refunded_paise, refunded_paise) from payments where id = ?", over))
                    .isEqualTo("200000 250000");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 450000");

            // a payment of a cancelled bill is all advance: its refund leaves the bill as it is
            UUID cancelled = issuedBill(s, facility, 10_000);
            order(s, cancelled, "pay_adv_late", 10_000);
            s.string("select app.cancel_bill(?, 'entered twice')", cancelled);
            UUID late = capture(s, cancelled, "pay_adv_late", "card", 10_000);
            refund(s, late, "rfnd_adv_late", 10_000);
            assertThat(s.string("select concat_ws(' ', status, advance_refunded_paise) from payments where id = ?", late))
                    .isEqualTo("refunded 10000");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", cancelled))
                    .isEqualTo("cancelled 0");
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void refundsNeverExceedThePaymentAndARefusedOneWritesNothing() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "limit", "0.011", "0.012", "platform");
            UUID bill = issuedBill(s, facility, 100_000);
            UUID payment = capture(s, bill, "pay_limit", "card", 100_000);
            refund(s, payment, "rfnd_limit_1", 60_000);
            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(refused(s, "select app.refund_payment(?, 'rfnd_limit_2', 50000, null)", payment))
                    .contains("more than the 40000 paise left")
                    .startsWith("23514 ");
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_limit_3', 0, null)", payment))
                    .hasMessageContaining("more than 0 paise");
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_limit_4', -100, null)", payment))
                    .hasMessageContaining("more than 0 paise");
            assertThat(s.failure("select app.refund_payment(?, ' ', 100, null)", payment))
                    .hasMessageContaining("gateway's refund id");
            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("payment_refunds where payment_id = ?", payment)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(2);
            assertThat(s.string("select concat_ws(' ', status, refunded_paise) from payments where id = ?", payment))
                    .isEqualTo("partially_refunded 60000");

            refund(s, payment, "rfnd_limit_5", 40_000);
            assertThat(s.string("select concat_ws(' ', status, refunded_paise) from payments where id = ?", payment))
                    .isEqualTo("refunded 100000");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("issued 0");
            s.as(PAYMENT_WEBHOOK, facility);
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_limit_6', 1, null)", payment))
                    .hasMessageContaining("more than the 0 paise left");
            s.as(SUPER_ADMIN, facility);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
        }
    }

    @Test
    void aRepeatOfTheGatewaysRefundReturnsTheFirstAndPostsNothing() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "idem", "0.011", "0.012", "platform");
            UUID bill = issuedBill(s, facility, 500_000);
            UUID payment = capture(s, bill, "pay_refund_twice", "card", 500_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID first = refund(s, payment, "rfnd_twice", 100_000);
            assertThat(refund(s, payment, "rfnd_twice", 100_000)).isEqualTo(first);
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_twice', 200000, null)", payment))
                    .hasMessageContaining("already recorded with other details");
            UUID other = capture(s, bill, "pay_refund_other", "upi", 1_000);
            assertThat(s.failure("select app.refund_payment(?, 'rfnd_twice', 100000, null)", other))
                    .hasMessageContaining("already recorded with other details");

            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("payment_refunds where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ? and event_kind = 'online_refund'", facility)).isEqualTo(1);
            assertThat(s.string("select concat_ws(' ', amount_paise, refunded_by = ?) from payment_refunds where id = ?",
                    PAYMENT_WEBHOOK, first)).isEqualTo("100000 t");
            assertThat(s.string("select concat_ws(' ', status, refunded_paise) from payments where id = ?", payment))
                    .isEqualTo("partially_refunded 100000");
            assertThat(s.string("select paid_paise from bills where id = ?", bill)).isEqualTo("401000");
        }
    }

    @Test
    void aRefundBeyondWhatThePaymentStillOwesTheFacilityIsARecovery() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "recovery", "0.011", "0.012", "facility");
            UUID bill = issuedBill(s, facility, 1_000_000);
            UUID payment = capture(s, bill, "pay_recovery", "card", 1_000_000);
            // fixture: 9 000.00 of the net 9 858.40 is in a settlement already, and no draft holds it, so it counts
            // as paid out; the facility has nothing else in facility_payable (settlements are written by their own
            // function; here the running total is raised directly, as the definer)
            s.asDefiner("update payments set allocated_paise = 900000 where id = ?", payment);

            UUID refund = refund(s, payment, "rfnd_recovery", 250_000);
            // cost 2 464.60 + 32.45 = 2 497.05; open 858.40 from facility_payable, 1 638.65 to facility_receivable
            assertThat(refundLines(s, refund)).containsExactly(
                    "D platform_fee_income 3000",
                    "D gst_output 540",
                    "D facility_payable 85840",
                    "D facility_receivable 163865",
                    "C gateway_clearing[razorpay] 250000",
                    "C fee_recovery_income 3245");
            assertThat(s.string("select concat_ws(' ', payable_paise, recovery_paise, allocated_paise) "
                    + "from payment_refunds where id = ?", refund)).isEqualTo("85840 163865 0");
            assertThat(s.string("select concat_ws(' ', refund_payable_paise, allocated_paise, net_settlement_paise) "
                    + "from payments where id = ?", payment)).isEqualTo("85840 900000 985840");
            // the payment's open amount is spent; the next refund is all recovery
            UUID next = refund(s, payment, "rfnd_recovery_2", 100);
            assertThat(s.string("select concat_ws(' ', payable_paise, recovery_paise) from payment_refunds where id = ?", next))
                    .isEqualTo("0 100");
            assertThat(balance(s, facility, "facility_receivable")).isEqualTo(163_965L);
            assertThat(trialBalance(s, facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void onlyThePaymentWebhookOfThePaymentsFacilityRecordsARefund() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID elsewhere = facility(s, "perm", "0.011", "0.012", "platform");
            UUID foreign = capture(s, issuedBill(s, elsewhere, 10_000), "pay_perm_other", "card", 10_000);

            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            UUID payment = capture(s, ANIL_ISSUED_BILL, "pay_perm", "upi", 100);
            // the app role writes no refund itself
            assertThat(s.failure("""
                    insert into payment_refunds (facility_id, payment_id, bill_id, patient_id, gateway, gateway_refund_id,
                        amount_paise, refunded_by, platform_fee_reversed_paise, platform_gst_reversed_paise, payable_paise,
                        journal_entry_id)
                    select facility_id, id, bill_id, patient_id, gateway, 'r', 1, created_by, 0, 0, 1, gen_random_uuid()
                    from payments where id = ?""", payment)).hasMessageContaining("permission denied");

            // a refund is the gateway's report: no staff permission records one, nor an admin, nor another system principal
            for (UUID who : List.of(SANJEEVANI_BILLING, SANJEEVANI_ADMIN, SUPER_ADMIN, SANJEEVANI_DOCTOR, PARTITION_UPKEEP)) {
                s.as(who, SANJEEVANI);
                assertThat(refused(s, "select app.refund_payment(?, 'rfnd_perm_2', 100, null)", payment))
                        .as("refund by %s", who)
                        .contains("recorded only from the payment gateway").startsWith("42501 ");
            }
            // the webhook, in a facility only; another facility's payment is not found there
            s.as(PAYMENT_WEBHOOK, null);
            assertThat(refused(s, "select app.refund_payment(?, 'rfnd_perm_3', 100, null)", payment)).startsWith("42501 ");
            s.as(PAYMENT_WEBHOOK, SANJEEVANI);
            assertThat(refused(s, "select app.refund_payment(?, 'rfnd_perm_1', 100, null)", foreign))
                    .contains("not found").startsWith("P0002 ");
            s.as(SUPER_ADMIN, SANJEEVANI);
            assertThat(s.rows("payment_refunds")).isZero();
            assertThat(s.string("select concat_ws(' ', status, refunded_paise) from payments where id = ?", payment))
                    .isEqualTo("captured 0");

            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            UUID refund = refund(s, payment, "rfnd_perm_4", 100);
            // the clerk reads the refund, not the ledger
            assertThat(s.rows("payment_refunds where id = ?", refund)).isEqualTo(1);
            assertThat(s.rows("journal_entries")).isZero();
        }
    }

    private static List<String> column(AppSession s, List<UUID> refunds, String column) throws SQLException {
        return s.strings("select r." + column + "::text from unnest(string_to_array(?, ',')::uuid[]) with ordinality "
                + "as u(id, n) join payment_refunds r on r.id = u.id order by u.n",
                String.join(",", refunds.stream().map(UUID::toString).toList()));
    }
}
