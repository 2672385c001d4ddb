package com.careledger.cash;

import static com.careledger.cash.CashCounter.NO_COMMISSION;
import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.cash.CashCounter.collect;
import static com.careledger.cash.CashCounter.facility;
import static com.careledger.cash.CashCounter.openShift;
import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Receipts (the receipts table, numbered by app.issue_receipt_for): one gap-free series per facility and financial year
 * over captured payments and cash collections, numbered in the transaction that records the money, in a shape no
 * invoice number has. Each test rolls back.
 */
class ReceiptTest {

    @Test
    void theNumberIsPrefixRAndTheYearWithoutItsDashAndSixDigitsAtMostSixteenCharacters() throws Exception {
        try (AppSession s = AppSession.open()) {
            assertThat(s.string("select app.format_receipt_number('SMH', 2026::smallint, 123)")).isEqualTo("SMH/R2627/000123");
            assertThat(s.string("select app.format_receipt_number('SMH', 2099::smallint, 999999)")).isEqualTo("SMH/R9900/999999");
            assertThat(s.string("select length(app.format_receipt_number('SMH', 2026::smallint, 999999))")).isEqualTo("16");
            // never shaped like the invoice of the same serial
            assertThat(s.string("select app.format_document_number('SMH', 2026::smallint, 123)")).isEqualTo("SMH/26-27/000123");
            assertThat(s.sqlFailure("select app.format_receipt_number('SMH', 2026::smallint, 1000000)").getSQLState())
                    .isEqualTo("22003");
            assertThat(s.sqlFailure("select app.format_receipt_number('SMH', 2026::smallint, 0)").getSQLState())
                    .isEqualTo("22003");
        }
    }

    @Test
    void paymentsAndCollectionsShareOneSeriesAndAFailedCollectionGivesItsNumberBack() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "receipts", NO_COMMISSION);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID other = issuedBill(s, facility, 100_000);
            String prefix = s.string("select invoice_prefix from facilities where id = ?", facility);
            String year = s.string("select to_char(app.financial_year(now()) % 100, 'FM00') "
                    + "|| to_char((app.financial_year(now()) + 1) % 100, 'FM00')");
            UUID clerk = clerk(s, facility, "receipts", "billing");

            s.as(PAYMENT_WEBHOOK, facility);
            UUID payment = capture(s, bill, "pay_receipt", "upi", 200_000);
            // a second delivery takes no second number
            capture(s, bill, "pay_receipt", "upi", 200_000);
            s.as(clerk, facility);
            openShift(s, 0);
            UUID first = collect(s, bill, 100_000, "receipt-1");
            // refused (beyond what is outstanding): rolled back with its number
            assertThat(s.sqlFailure("select app.collect_cash(?, 300000, 'receipt-x')", bill).getSQLState()).isEqualTo("23514");
            UUID second = collect(s, other, 100_000, "receipt-2");
            // a retry of a collection takes no second number
            collect(s, other, 100_000, "receipt-2");

            assertThat(s.table("""
                    select serial::text, receipt_number, coalesce(payment_id, cash_collection_id)::text, amount_paise::text,
                           (issued_at = coalesce((select captured_at from payments where id = r.payment_id),
                                                 (select collected_at from cash_collections where id = r.cash_collection_id)))::text
                    from receipts r where facility_id = ? order by serial""", facility))
                    .extracting(row -> String.join(" ", row))
                    .containsExactly(
                            "1 " + prefix + "/R" + year + "/000001 " + payment + " 200000 true",
                            "2 " + prefix + "/R" + year + "/000002 " + first + " 100000 true",
                            "3 " + prefix + "/R" + year + "/000003 " + second + " 100000 true");
            assertThat(s.string("select last_number from document_counters where facility_id = ? and document_kind = 'receipt'",
                    facility)).isEqualTo("3");
            // the invoices of the facility are a series of their own
            assertThat(s.string("select last_number from document_counters where facility_id = ? and document_kind = 'tax_invoice'",
                    facility)).isEqualTo("2");
        }
    }

    @Test
    void receiptsAreWrittenOnlyByTheDatabaseAndNeverChange() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "receipts-fixed", NO_COMMISSION);
            UUID bill = issuedBill(s, facility, 100_000);
            s.as(PAYMENT_WEBHOOK, facility);
            UUID payment = capture(s, bill, "pay_fixed", "upi", 100_000);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.sqlFailure("update receipts set serial = 9 where payment_id = ?", payment).getMessage())
                    .contains("permission denied");
            assertThat(s.sqlFailure("""
                    insert into receipts (facility_id, financial_year, serial, receipt_number, issued_at, bill_id, patient_id,
                                          payment_id, amount_paise)
                    select facility_id, 2026, 2, 'X/R2627/000002', now(), bill_id, patient_id, id, 1 from payments where id = ?""",
                    payment).getMessage()).contains("permission denied");
            // not even the definer role changes one
            assertThat(catchDefiner(s, "update receipts set amount_paise = 1 where payment_id = '" + payment + "'"))
                    .contains("permission denied");
            assertThat(catchDefiner(s, "delete from receipts where payment_id = '" + payment + "'")).contains("permission denied");
            assertThat(s.rows("receipts where payment_id = ? and amount_paise = 100000", payment)).isEqualTo(1);
        }
    }

    /**
     * A collection takes its receipt as app.collect_cash's last step; one written any other way fails at commit (the
     * deferred constraint trigger cash_collections_have_a_receipt).
     */
    @Test
    void aCashCollectionWithoutItsReceiptIsRefusedAtCommit() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "receipts-late", NO_COMMISSION);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "receipts-late", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID first = collect(s, bill, 100_000, "late-1");
            assertThat(s.rows("receipts where cash_collection_id = ?", first)).isEqualTo(1);
            s.asDefiner("""
                    insert into cash_collections (facility_id, bill_id, patient_id, shift_id, collected_by, amount_collected_paise,
                                                  collected_at, configuration_effective_from, commission_paise,
                                                  commission_gst_paise, gst_rate, idempotency_key, created_by)
                    select facility_id, bill_id, patient_id, shift_id, collected_by, 1, collected_at, configuration_effective_from,
                           0, 0, gst_rate, 'late-written-directly', created_by
                    from cash_collections where id = ?""", first);
            java.sql.SQLException refused = s.sqlFailure("set constraints cash_collections_have_a_receipt immediate");
            assertThat(refused.getSQLState()).isEqualTo("23000");
            assertThat(refused.getMessage()).contains("has no receipt");
        }
    }

    private static String catchDefiner(AppSession s, String sql) {
        try {
            s.asDefiner(sql);
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected to fail: " + sql);
    }
}
