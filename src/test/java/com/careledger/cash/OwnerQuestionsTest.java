package com.careledger.cash;

import static com.careledger.cash.CashCounter.PERCENTAGE;
import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.cash.CashCounter.collect;
import static com.careledger.cash.CashCounter.facility;
import static com.careledger.cash.CashCounter.openShift;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
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
 * The owner's three questions (app.commission_pending, app.held_for_platform, app.pending_since_last_settlement) on the
 * worked examples of docs/ledger.md: one facility with the ₹10 000 card payment (margin 10.00, net 9 858.40) and the
 * ₹5 000 bill paid in cash at 2 % + 18 % GST (118.00 owed). Each test rolls back.
 */
class OwnerQuestionsTest {

    @Test
    void beforeAnySettlementTheQuestionsAreTheWorkedExamplesFigures() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = workedExamples(s, "q-before");

            // cash 118.00 (of it GST 18.00, no recoveries), online margin 10.00 still in clearing; total 128.00
            assertThat(row(s, "select * from app.commission_pending(?)", facility))
                    .containsExactly(facility.toString(), "11800", "1800", "0", "1000", "12800");
            assertThat(row(s, "select * from app.held_for_platform(?)", facility)).containsExactly(facility.toString(), "11800");
            // no settlement yet: the change since "the last" is the whole net position, 9 858.40 − 118.00
            assertThat(row(s, "select facility_id, coalesce(last_settlement_paid_at::text, 'never'), change_since_paise, "
                    + "open_net_paise from app.pending_since_last_settlement(?)", facility))
                    .containsExactly(facility.toString(), "never", "974040", "974040");
        }
    }

    @Test
    void theGatewaySettlingThePaymentMovesItsMarginOutOfPending() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = workedExamples(s, "q-gateway");
            s.as(SUPER_ADMIN, null);
            s.string("select app.record_gateway_settlement('razorpay', 'UTRQ000001', app.ist_today(), 987020, "
                    + "array(select id from payments where facility_id = ?))::text", facility);
            s.as(SUPER_ADMIN, facility);

            assertThat(row(s, "select * from app.commission_pending(?)", facility))
                    .containsExactly(facility.toString(), "11800", "1800", "0", "0", "11800");
            assertThat(row(s, "select change_since_paise, open_net_paise from app.pending_since_last_settlement(?)", facility))
                    .as("the gateway's payout to the platform does not change what the platform owes the facility")
                    .containsExactly("974040", "974040");
        }
    }

    @Test
    void eachCallerIsAnsweredForWhatTheyAdminister() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = workedExamples(s, "q-who");

            s.as(SUPER_ADMIN, null);
            assertThat(s.strings("select facility_id::text from app.held_for_platform(null)"))
                    .contains(facility.toString(), SANJEEVANI.toString());
            assertThat(s.string("select receivable_paise from app.held_for_platform(null) where facility_id = ?", facility))
                    .isEqualTo("11800");

            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.strings("select facility_id::text from app.commission_pending(null)")).containsExactly(SANJEEVANI.toString());
            assertThat(s.count("select count(*) from app.commission_pending(?)", facility)).as("another facility").isZero();
            assertThat(s.count("select count(*) from app.pending_since_last_settlement(?)", facility)).isZero();

            s.as(SANJEEVANI_BILLING, SANJEEVANI);
            assertThat(s.count("select count(*) from app.held_for_platform(null)")).as("staff").isZero();
        }
    }

    /** A facility (2 % + 18 % cash terms, card 1.10 % / 1.20 %) with the worked online and cash examples; session as the super admin in it. */
    private static UUID workedExamples(AppSession s, String tag) throws SQLException {
        UUID facility = facility(s, tag, PERCENTAGE);
        capture(s, issuedBill(s, facility, 1_000_000), "pay_" + tag, "card", 1_000_000);
        UUID bill = issuedBill(s, facility, 500_000);
        UUID clerk = clerk(s, facility, tag, "billing");
        s.as(clerk, facility);
        openShift(s, 0);
        collect(s, bill, 300_000, tag + "-1");
        collect(s, bill, 200_000, tag + "-2");
        s.as(SUPER_ADMIN, facility);
        return facility;
    }

    private static List<String> row(AppSession s, String sql, UUID facility) throws SQLException {
        List<List<String>> rows = s.table(sql, facility);
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }
}
