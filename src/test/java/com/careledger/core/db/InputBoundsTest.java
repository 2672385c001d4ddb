package com.careledger.core.db;

import static com.careledger.cash.CashCounter.NO_COMMISSION;
import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.cash.CashCounter.collect;
import static com.careledger.cash.CashCounter.facility;
import static com.careledger.cash.CashCounter.openShift;
import static com.careledger.payment.OnlinePayments.PAYMENT_WEBHOOK;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.ANIL_CARD;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * What the database refuses of inputs sent through the app role (docs/database.md, "Input bounds"; docs/ledger.md,
 * "Bounds"): each refusal is a check_violation with a message, and nothing is written; ordinary values, Hindi names
 * among them, still pass. Each test rolls back.
 */
class InputBoundsTest {

    private static final String CHECK_VIOLATION = "23514";
    private static final long HUGE = 1_000_000_000_000_000_000L;   // 10^18 paise

    private static final String ADD_SERVICE = """
            insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate)
            values (?, ?, ?, 'lab_test', ?, '999316', 0)""";
    private static final String ADD_PATIENT =
            "insert into patients (facility_id, registration_number, full_name) values (?, ?, ?)";

    @Test
    void anOpeningFloatOf10To18PaiseIsRefused() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "float", NO_COMMISSION);
            UUID clerk = clerk(s, facility, "float", "billing");
            s.as(clerk, facility);
            SQLException e = s.sqlFailure("select app.open_shift(?)", HUGE);
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("the opening float is at most 100000000 paise (₹10 lakh)");
            assertThat(s.rows("cashier_shifts where facility_id = ?", facility)).isZero();

            openShift(s, 100_000_000L);   // ₹10 lakh exactly is fine
            assertThat(s.rows("cashier_shifts where facility_id = ?", facility)).isEqualTo(1);
        }
    }

    @Test
    void countedCashCollectionsAndRefundsAbove10CroreAreRefused() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "amounts", NO_COMMISSION);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "amounts", "billing");
            s.as(clerk, facility);
            UUID shift = openShift(s, 0);

            SQLException collection = s.sqlFailure("select app.collect_cash(?, ?, 'cash-huge')", bill, HUGE);
            assertThat(collection.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(collection.getMessage()).contains("a cash collection is of at most 10000000000 paise (₹10 crore)");
            UUID collected = collect(s, bill, 500_000, "cash-ok");

            SQLException refund = s.sqlFailure("select app.refund_cash(?, ?, 'too much', 'refund-huge')", collected, HUGE);
            assertThat(refund.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(refund.getMessage()).contains("a cash refund is of at most 10000000000 paise");
            SQLException reason = s.sqlFailure("select app.refund_cash(?, 100, ?, 'refund-rlo')", collected, "wrong \u202Ebill");
            assertThat(reason.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(reason.getMessage()).contains("a refund reason is plain text");

            SQLException counted = s.sqlFailure("select app.close_shift(?, ?)", shift, HUGE);
            assertThat(counted.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(counted.getMessage()).contains("the counted cash is at most 10000000000 paise");

            assertThat(s.rows("cash_collections where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("cash_refunds where facility_id = ?", facility)).isZero();
            assertThat(s.string("select status from cashier_shifts where id = ?", shift)).isEqualTo("open");
            assertThat(s.string("select paid_paise from bills where id = ?", bill)).isEqualTo("500000");
        }
    }

    @Test
    void paymentOrdersCapturesAndOnlineRefundsAbove10CroreAreRefused() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "online", NO_COMMISSION);
            UUID bill = issuedBill(s, facility, 500_000);
            s.as(SUPER_ADMIN, facility);
            SQLException order = s.sqlFailure("select app.create_payment_order(?, 'razorpay', 'order_huge', ?)", bill, HUGE);
            assertThat(order.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(order.getMessage()).contains("a payment order is of at most 10000000000 paise (₹10 crore)");
            // a capture (the payment webhook's) is of its order's amount, which is at most what the bill has due
            s.string("select app.create_payment_order(?, 'razorpay', 'order_fair', 500000)::text", bill);
            s.as(PAYMENT_WEBHOOK, facility);
            SQLException capture = s.sqlFailure(
                    "select app.capture_payment(?, 'razorpay', 'order_fair', 'pay_huge', 'card', ?)", bill, HUGE);
            assertThat(capture.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(capture.getMessage()).contains("gateway order order_fair is of 500000 paise: a capture of " + HUGE
                    + " paise is refused");
            SQLException refund = s.sqlFailure(
                    "select app.refund_payment(?, 'rfnd_huge', ?, 'too much')", UUID.randomUUID(), HUGE);
            assertThat(refund.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(refund.getMessage()).contains("a refund is of at most 10000000000 paise");
            assertThat(s.strings("select status::text from payments where facility_id = ?", facility)).containsExactly("created");
            assertThat(s.rows("payment_refunds where facility_id = ?", facility)).isZero();
        }
    }

    @Test
    void aServicePriceOf10To18PaiseIsRefused() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            SQLException e = s.sqlFailure(ADD_SERVICE, SANJEEVANI, "HUGE", "Gold-plated test", HUGE);
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("a service's price is at most 1000000000 paise (₹1 crore); got 1000000000000000000 paise");
            assertThat(s.rows("services where code = 'HUGE'")).isZero();

            s.execute(ADD_SERVICE, SANJEEVANI, "CRORE", "Whole-body scan", 1_000_000_000L);   // ₹1 crore is fine
            assertThat(s.rows("services where code = 'CRORE'")).isEqualTo(1);
        }
    }

    @Test
    void aNameThatIsOneZeroWidthSpaceIsRefused() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            SQLException e = s.sqlFailure(ADD_PATIENT, SANJEEVANI, "ZWSP-1", "\u200B");
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("a patient's name is plain text of at most 200 characters, not blank: no control or invisible characters");
            assertThat(s.sqlFailure(ADD_PATIENT, SANJEEVANI, "ZWSP-2", "Anil\u200BKumar").getSQLState())
                    .isEqualTo(CHECK_VIOLATION);
            assertThat(s.sqlFailure(ADD_PATIENT, SANJEEVANI, "ZWJ-ONLY", "\u200D\u200D").getSQLState())
                    .as("joiners only are blank").isEqualTo(CHECK_VIOLATION);
            assertThat(s.sqlFailure(ADD_SERVICE, SANJEEVANI, "BOM", "\uFEFFX-ray", 100L).getMessage()).contains(
                    "a service's name is plain text");
            assertThat(s.rows("patients where registration_number in ('ZWSP-1', 'ZWSP-2', 'ZWJ-ONLY')")).isZero();
            assertThat(s.rows("services where code = 'BOM'")).isZero();
        }
    }

    @Test
    void aNameWithARightToLeftOverrideIsRefused() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            SQLException e = s.sqlFailure(ADD_PATIENT, SANJEEVANI, "RLO-1", "Anil \u202Eramuk");
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("a patient's name is plain text of at most 200 characters, not blank: no control or invisible characters");
            assertThat(s.sqlFailure(ADD_PATIENT, SANJEEVANI, "TAB-1", "Anil\tKumar").getSQLState())
                    .as("no control characters in a name").isEqualTo(CHECK_VIOLATION);
            assertThat(s.rows("patients where registration_number in ('RLO-1', 'TAB-1')")).isZero();

            s.as(SUPER_ADMIN, null);
            SQLException facility = s.sqlFailure("""
                    select app.onboard_facility(?, ?, 'hospital'::facility_type, 'Satara', '27', '27AAECS9876K1Z3',
                           'admin-rlo@bounds.test', 'Admin', '{}'::jsonb, '[]'::jsonb)""",
                    "Sanjeevani \u202Elatipsoh", "Sanjeevani Private Limited");
            assertThat(facility.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(facility.getMessage()).contains("a facility's name and legal name are plain text");
            assertThat(s.rows("facilities where name like 'Sanjeevani %latipsoh'")).isZero();
        }
    }

    @Test
    void theCheckConstraintsHoldWithoutTheTriggers() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            try (Statement st = s.connection().createStatement()) {
                // ordinary triggers off (a superuser setting), then the app role again: only the constraints remain
                st.execute("reset role; set local session_replication_role = replica; set local role careledger_app");
            }
            assertThat(s.sqlFailure(ADD_PATIENT, SANJEEVANI, "ZWSP-3", "Anil\u200BKumar").getMessage())
                    .contains("patients_full_name_is_clean_text");
            assertThat(s.rows("patients where registration_number = 'ZWSP-3'")).isZero();
            assertThat(s.sqlFailure(ADD_SERVICE, SANJEEVANI, "HUGE", "Gold-plated test", HUGE).getMessage())
                    .contains("services_price_at_most_one_crore");
        }
    }

    @Test
    void hindiNamesWithCombiningMarksAndJoinersPass() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            s.execute(ADD_PATIENT, SANJEEVANI, "HINDI-1", "अनिल कुमार");
            s.execute(ADD_PATIENT, SANJEEVANI, "HINDI-2", "लक्ष्मी क्\u200Dषत्रिय");   // ZWJ for a half form
            s.execute(ADD_PATIENT, SANJEEVANI, "LATIN-1", "Zoë O'Brien-Iyer");
            assertThat(s.strings("select full_name from patients where registration_number like 'HINDI-%' order by 1"))
                    .containsExactly("अनिल कुमार", "लक्ष्मी क्\u200Dषत्रिय");
            assertThat(s.rows("patients where registration_number = 'LATIN-1'")).isEqualTo(1);
            assertThat(s.bool("select app.is_clean_text(?, 1000, true)", "Line one\nLine two\r\n\tindented")).isTrue();
            assertThat(s.bool("select app.is_clean_text(?, 1000)", "Line one\nLine two")).isFalse();
            assertThat(s.bool("select app.is_clean_text(?, 5)", "अनिल")).isTrue();
            assertThat(s.bool("select app.is_clean_text(?, 3)", "अनिल")).as("4 characters").isFalse();
            assertThat(s.bool("select app.is_clean_text(?, 200)", "Anil\u00ADKumar")).as("soft hyphen").isFalse();
            assertThat(s.bool("select app.is_clean_text(?, 200)", "Anil\u2066Kumar")).as("isolate").isFalse();
            assertThat(s.bool("select app.is_clean_text(?, 200)", " \u00A0\u3000")).as("blank").isFalse();
        }
    }

    @Test
    void aFiveMegabyteInsuranceDocumentIsRefused() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            String before = s.string("select insurance::text from app.read_health_card(?)", ANIL_CARD);
            String huge = "{\"insurer\": \"Star Health\", \"policy_number\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}";
            String add = "select app.add_clinical_entry(?, 'insurance', 'Star Health', null, p_details => ?::jsonb)";
            SQLException e = s.sqlFailure(add, ANIL_AT_SANJEEVANI, huge);
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("JSON object of at most 16 384 characters");
            assertThat(s.string("select insurance::text from app.read_health_card(?)", ANIL_CARD)).isEqualTo(before);

            s.string(add, ANIL_AT_SANJEEVANI, "{\"insurer\": \"Star Health\", \"policy_number\": \"SH-1\"}");
            assertThat(s.string("select insurance::text from app.read_health_card(?)", ANIL_CARD)).contains("SH-1");
        }
    }

    @Test
    void aOneMegabyteSearchStringIsRefusedBeforeAnySearch() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            SQLException e = s.sqlFailure("select * from app.search_patients(?)", "anil ".repeat(200_000));
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("a search is at most 100 characters");
            assertThat(s.countOf("select * from app.search_patients(?)", "anil" + " ".repeat(96))).isPositive();
        }
    }

    @Test
    void partitionUpkeepForTheYear9999IsRefused() throws SQLException {
        try (AppSession s = AppSession.open()) {
            s.as(PARTITION_UPKEEP, null);
            SQLException e = s.sqlFailure("select * from app.maintain_partitions(date '9999-06-15')");
            assertThat(e.getSQLState()).isEqualTo(CHECK_VIOLATION);
            assertThat(e.getMessage()).contains("partition upkeep runs for a day within a year of today");
            assertThat(s.rows("pg_class where relname like '%_p9999%'")).isZero();
        }
    }
}
