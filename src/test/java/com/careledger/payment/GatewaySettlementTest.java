package com.careledger.payment;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.facility;
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
 * A gateway's settlement batch (app.record_gateway_settlement, posting 2 of docs/ledger.md): per facility
 * D platform_bank S_F, C gateway_clearing[G,F] S_F; a stated amount that differs is flagged; each payment enters one
 * batch; only the super admin (or the payment webhook) records one. Each test rolls back.
 */
class GatewaySettlementTest {

    private static final String RECORD = "select app.record_gateway_settlement('razorpay', ?, ?::date, ?, ?::uuid[])::text";

    @Test
    void theWorkedExampleSettlesTheClearingAccountToThePlatformBank() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "gw-worked", "0.011", "0.012", "0.18");
            UUID payment = capture(s, issuedBill(s, facility, 1_000_000), "pay_gw_worked", "card", 1_000_000);

            UUID batch = record(s, "UTR000111", 987_020, payment);

            assertThat(s.string("select concat_ws(' ', status, expected_paise, difference_paise) from gateway_settlements where id = ?",
                    batch)).isEqualTo("matched 987020 0");
            assertThat(entryLines(s, batch, facility)).containsExactly("D platform_bank 987020", "C gateway_clearing[razorpay] 987020");
            assertThat(s.string("select app.account_balance(?, 'gateway_clearing', 'razorpay')", facility)).isEqualTo("0");
            assertThat(s.string("select app.account_balance(?, 'platform_bank')", facility)).isEqualTo("987020");
            assertThat(s.string("select gateway_settlement_id::text from payments where id = ?", payment)).isEqualTo(batch.toString());
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
        }
    }

    @Test
    void aBatchOverTwoFacilitiesPostsOneEntryEachAndAMismatchIsFlaggedNotBooked() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID first = facility(s, "gw-a", "0.011", "0.012", "0.18");
            UUID p1 = capture(s, issuedBill(s, first, 1_000_000), "pay_gw_a", "card", 1_000_000);
            UUID second = facility(s, "gw-b", "0.011", "0.012", "0.18");
            UUID p2 = capture(s, issuedBill(s, second, 90_000), "pay_gw_b", "upi", 90_000);

            // the report says 1 paisa less than the items put into clearing
            UUID batch = record(s, "UTR000222", 987_020 + 90_000 - 1, p1, p2);

            assertThat(s.string("select concat_ws(' ', status, stated_amount_paise, expected_paise, difference_paise) "
                    + "from gateway_settlements where id = ?", batch)).isEqualTo("mismatched 1077019 1077020 -1");
            assertThat(s.table("select facility_id::text, payments_count, amount_paise from gateway_settlement_facilities "
                    + "where gateway_settlement_id = ? order by amount_paise", batch))
                    .containsExactly(List.of(second.toString(), "1", "90000"), List.of(first.toString(), "1", "987020"));
            assertThat(entryLines(s, batch, second)).containsExactly("D platform_bank 90000", "C gateway_clearing[razorpay] 90000");
            assertThat(s.string("select app.account_balance(null, 'gateway_clearing', 'razorpay') "
                    + "- (select coalesce(sum(amount_paise - gateway_fee_paise - gateway_gst_paise), 0) from payments "
                    + "where gateway = 'razorpay' and captured_at is not null and gateway_settlement_id is null)"))
                    .as("clearing holds exactly the captures no batch has settled").isEqualTo("0");
        }
    }

    @Test
    void aPaymentEntersOneBatchAndTheSameReportTwiceIsOneBatch() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "gw-once", "0.011", "0.012", "0.18");
            UUID payment = capture(s, issuedBill(s, facility, 1_000_000), "pay_gw_once", "card", 1_000_000);
            UUID batch = record(s, "UTR000333", 987_020, payment);

            assertThat(record(s, "UTR000333", 987_020, payment)).as("a repeat of the same report").isEqualTo(batch);
            assertThat(s.failure(RECORD, "UTR000333", s.istToday().toString(), 1L, new UUID[] {payment}))
                    .hasMessageContaining("already recorded with other details");
            assertThat(s.failure(RECORD, "UTR000444", s.istToday().toString(), 987_020L, new UUID[] {payment}))
                    .hasMessageContaining("already in gateway settlement " + batch);
            assertThat(s.count("select count(*) from gateway_settlements where utr like 'UTR000%'")).isEqualTo(1);
            assertThat(s.count("select count(*) from journal_entries where facility_id = ? and event_kind = 'gateway_settlement'",
                    facility)).isEqualTo(1);
        }
    }

    @Test
    void badBatchesAreRefusedWithAClearMessageAndWriteNothing() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "gw-bad", "0.011", "0.012", "0.18");
            UUID payment = capture(s, issuedBill(s, facility, 1_000_000), "pay_gw_bad", "card", 1_000_000);
            String today = s.istToday().toString();

            assertThat(s.failure(RECORD, "UTR-1", today, 987_020L, new UUID[] {payment}))
                    .hasMessageContaining("is not a bank reference");
            assertThat(s.failure(RECORD, "UTR000555", today, -1L, new UUID[] {payment}))
                    .hasMessageContaining("0 paise or more");
            assertThat(s.failure(RECORD, "UTR000555", s.istToday().plusDays(1).toString(), 987_020L, new UUID[] {payment}))
                    .hasMessageContaining("is in the future");
            assertThat(s.failure(RECORD, "UTR000555", today, 0L, new UUID[] {})).hasMessageContaining("at least one");
            assertThat(s.failure(RECORD, "UTR000555", today, 0L, new UUID[] {payment, payment}))
                    .hasMessageContaining("each payment and refund once");
            UUID unknown = UUID.randomUUID();
            assertThat(s.failure(RECORD, "UTR000555", today, 0L, new UUID[] {unknown}))
                    .hasMessageContaining("payment " + unknown + " not found");
            assertThat(s.failure("select app.record_gateway_settlement('payu', 'UTR000555', ?::date, 1, ?::uuid[])",
                    today, new UUID[] {payment})).hasMessageContaining("of gateway razorpay");

            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.sqlFailure(RECORD, "UTR000555", today, 987_020L, new UUID[] {payment}).getSQLState())
                    .isEqualTo("42501");
            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            assertThat(s.failure(RECORD, "UTR000555", today, 987_020L, new UUID[] {payment}))
                    .hasMessageContaining("needs the super admin");

            s.as(SUPER_ADMIN, facility);
            assertThat(s.count("select count(*) from gateway_settlements where utr = 'UTR000555'")).isZero();
            assertThat(s.string("select coalesce(gateway_settlement_id::text, 'none') from payments where id = ?", payment))
                    .isEqualTo("none");
        }
    }

    @Test
    void facilityAdminsSeeOnlyTheirPartOfABatch() throws Exception {
        try (AppSession s = AppSession.open()) {
            UUID facility = facility(s, "gw-see", "0.011", "0.012", "0.18");
            UUID payment = capture(s, issuedBill(s, facility, 1_000_000), "pay_gw_see", "card", 1_000_000);
            record(s, "UTR000666", 987_020, payment);

            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.count("select count(*) from gateway_settlements where utr = 'UTR000666'")).isZero();
            assertThat(s.count("select count(*) from gateway_settlement_facilities where facility_id = ?", facility)).isZero();
            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            assertThat(s.count("select count(*) from gateway_settlement_facilities")).isZero();
        }
    }

    private static UUID record(AppSession s, String utr, long statedPaise, UUID... payments) throws SQLException {
        s.as(SUPER_ADMIN, null);
        return UUID.fromString(s.string(RECORD, utr, s.istToday().toString(), statedPaise, payments));
    }

    private static List<String> entryLines(AppSession s, UUID batch, UUID facility) throws SQLException {
        return s.strings("""
                select case when l.debit_paise > 0 then 'D ' else 'C ' end || l.account
                       || coalesce('[' || l.gateway || ']', '') || ' ' || (l.debit_paise + l.credit_paise)
                from journal_lines l join gateway_settlement_facilities g on g.journal_entry_id = l.entry_id
                where g.gateway_settlement_id = ? and g.facility_id = ? order by l.line_no""", batch, facility);
    }
}
