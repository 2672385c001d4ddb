package com.careledger.cash;

import static com.careledger.cash.CashCounter.FIXED_FEE;
import static com.careledger.cash.CashCounter.NO_COMMISSION;
import static com.careledger.cash.CashCounter.PERCENTAGE;
import static com.careledger.cash.CashCounter.clerk;
import static com.careledger.cash.CashCounter.collect;
import static com.careledger.cash.CashCounter.commission;
import static com.careledger.cash.CashCounter.facility;
import static com.careledger.cash.CashCounter.journalLines;
import static com.careledger.cash.CashCounter.openShift;
import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.payment.OnlinePayments.capture;
import static com.careledger.payment.OnlinePayments.issuedBill;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_DOCTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * Cash at the counter (app.collect_cash): the cash worked examples of docs/ledger.md to the paisa (posting 3), the
 * fixed fee once per bill, split tender, idempotency, what is refused, and shifts. Each test rolls back.
 */
class CashCollectionTest {

    @Test
    void percentageCommissionPerCollectionHoldsToThePaisa() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "pct", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "pct", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID first = collect(s, bill, 300_000, "cash-pct-1");
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill))
                    .isEqualTo("partially_paid 300000");
            UUID second = collect(s, bill, 200_000, "cash-pct-2");

            // ₹3 000 → 60.00 + 10.80; ₹2 000 → 40.00 + 7.20
            assertThat(commission(s, first)).containsExactly(6_000L, 1_080L);
            assertThat(commission(s, second)).containsExactly(4_000L, 720L);
            assertThat(s.string("""
                    select concat_ws(' ', commission_type, commission_rate, commission_fixed_paise, gst_rate, settlement_status,
                                     patient_id = (select patient_id from bills where id = c.bill_id),
                                     collected_by = (select id from staff where user_id = ?))
                    from cash_collections c where id = ?""", clerk, first))
                    .isEqualTo("percentage 0.020000 0.1800 pending t t");
            assertThat(s.string("select concat_ws(' ', status, paid_paise, amount_due_paise) from bills where id = ?", bill))
                    .isEqualTo("paid 500000 0");

            s.as(SUPER_ADMIN, facility);
            assertThat(journalLines(s, first)).containsExactly(
                    "D facility_receivable 7080", "C cash_commission_income 6000", "C gst_output 1080");
            assertThat(journalLines(s, second)).containsExactly(
                    "D facility_receivable 4720", "C cash_commission_income 4000", "C gst_output 720");
            assertThat(s.string("select e.idempotency_key from journal_entries e join cash_collections c "
                    + "on c.journal_entry_id = e.id where c.id = ?", first)).isEqualTo("cash_collection:" + first);
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("11800");
            assertThat(s.string("select app.account_balance(?, 'cash_commission_income')", facility)).isEqualTo("10000");
            assertThat(s.string("select app.account_balance(?, 'gst_output')", facility)).isEqualTo("1800");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            // cash itself is not in the platform's ledger
            assertThat(s.string("select app.account_balance(?, 'platform_bank')", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void aFixedFeeIsChargedOncePerBillAtItsFirstCashCollection() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "fixed", FIXED_FEE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID other = issuedBill(s, facility, 10_000);
            UUID clerk = clerk(s, facility, "fixed", "billing");
            s.as(clerk, facility);
            openShift(s, 50_000);
            UUID first = collect(s, bill, 300_000, "cash-fixed-1");
            UUID second = collect(s, bill, 200_000, "cash-fixed-2");

            // ₹25 + 18 % → 25.00 + 4.50 once; nothing on the second collection, and no entry for it
            assertThat(commission(s, first)).containsExactly(2_500L, 450L);
            assertThat(commission(s, second)).containsExactly(0L, 0L);
            assertThat(s.string("select concat_ws(' ', commission_type, commission_fixed_paise, journal_entry_id is null) "
                    + "from cash_collections where id = ?", second)).isEqualTo("fixed_per_bill 2500 t");

            s.as(SUPER_ADMIN, facility);
            assertThat(journalLines(s, first)).containsExactly(
                    "D facility_receivable 2950", "C cash_commission_income 2500", "C gst_output 450");
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("2950");

            // another bill is charged its own fee
            s.as(clerk, facility);
            assertThat(commission(s, collect(s, other, 10_000, "cash-fixed-3"))).containsExactly(2_500L, 450L);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("5900");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void splitTenderPartOnlinePartCashChargesTheFixedFeeAtTheFirstCashCollection() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "split", FIXED_FEE);
            UUID bill = issuedBill(s, facility, 1_000_000);
            UUID clerk = clerk(s, facility, "split", "billing");
            s.as(clerk, facility);
            capture(s, bill, "pay_split", "card", 600_000);
            openShift(s, 0);
            UUID cash = collect(s, bill, 400_000, "cash-split-1");
            assertThat(commission(s, cash)).containsExactly(2_500L, 450L);
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 1000000");
            // nothing more in cash once paid
            assertThat(s.failure("select app.collect_cash(?, 1, 'cash-split-2')", bill)).hasMessageContaining("already paid");

            s.as(SUPER_ADMIN, facility);
            // card ₹6 000 at 1.10 % / 1.20 % + 18 %: p 72.00, pg 12.96 → n 5 915.04
            assertThat(s.string("select app.account_balance(?, 'facility_payable')", facility)).isEqualTo("591504");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("2950");
            assertThat(s.string("select sum(balance_paise) from app.trial_balance(?)", facility)).isEqualTo("0");
            s.execute("set constraints all immediate");
        }
    }

    @Test
    void cashBeyondWhatIsOutstandingIsRefusedAndNothingIsWritten() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "over", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "over", "billing");
            s.as(clerk, facility);
            UUID shift = openShift(s, 0);
            collect(s, bill, 300_000, "cash-over-1");
            assertThat(s.failure("select app.collect_cash(?, 300000, 'cash-over-2')", bill))
                    .hasMessageContaining("more than the 200000 paise outstanding")
                    .hasMessageContaining("give change");
            assertThat(s.failure("select app.collect_cash(?, 0, 'cash-over-3')", bill)).hasMessageContaining("more than 0 paise");
            assertThat(s.failure("select app.collect_cash(?, -5, 'cash-over-4')", bill)).hasMessageContaining("more than 0 paise");
            assertThat(s.failure("select app.collect_cash(?, 100, null)", bill)).hasMessageContaining("idempotency key");

            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("cash_collections where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("partially_paid 300000");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("7080");
            assertThat(s.string("select expected_paise is null from cashier_shifts where id = ?", shift)).isEqualTo("t");
        }
    }

    @Test
    void draftCancelledAndOtherFacilitiesBillsAreRefused() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "state", PERCENTAGE);
            UUID cancelled = issuedBill(s, facility, 10_000);
            s.string("select app.cancel_bill(?, 'entered twice')", cancelled);
            UUID patient = UUID.fromString(s.string("select patient_id::text from bills where id = ?", cancelled));
            UUID draft = UUID.fromString(s.string("select app.create_bill(?, ?)::text", facility, patient));
            UUID elsewhere = issuedBill(s, facility(s, "state-other", PERCENTAGE), 10_000);
            UUID clerk = clerk(s, facility, "state", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-state-1')", draft)).hasMessageContaining("is a draft");
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-state-2')", cancelled)).hasMessageContaining("is cancelled");
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-state-3')", elsewhere)).hasMessageContaining("not found");
            assertThat(s.rows("cash_collections")).isZero();
        }
    }

    @Test
    void theSameIdempotencyKeyReturnsTheFirstCollectionAndPostsNothing() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "idem", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "idem", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID first = collect(s, bill, 500_000, "cash-idem-1");
            // the retry comes after the bill is paid, and still returns the first collection
            assertThat(collect(s, bill, 500_000, "cash-idem-1")).isEqualTo(first);
            assertThat(s.failure("select app.collect_cash(?, 400000, 'cash-idem-1')", bill))
                    .hasMessageContaining("already used for another collection");

            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("cash_collections where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isEqualTo(1);
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 500000");
            assertThat(s.string("select app.account_balance(?, 'facility_receivable')", facility)).isEqualTo("11800");
        }
    }

    @Test
    void noCommissionWhenTheFacilityChargesNone() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "none", NO_COMMISSION);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "none", "billing");
            s.as(clerk, facility);
            openShift(s, 0);
            UUID cash = collect(s, bill, 500_000, "cash-none-1");
            assertThat(commission(s, cash)).containsExactly(0L, 0L);
            assertThat(s.string("select concat_ws(' ', commission_type is null, gst_rate, journal_entry_id is null) "
                    + "from cash_collections where id = ?", cash)).isEqualTo("t 0.0000 t");
            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("journal_entries where facility_id = ?", facility)).isZero();
            assertThat(s.string("select concat_ws(' ', status, paid_paise) from bills where id = ?", bill)).isEqualTo("paid 500000");
        }
    }

    @Test
    void aShiftClosesWithExpectedAndVarianceAndThenTakesNoMoreCash() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "shift", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID clerk = clerk(s, facility, "shift", "billing");
            UUID colleague = clerk(s, facility, "shift2", "billing");
            s.as(clerk, facility);
            // no open shift, no cash
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-shift-0')", bill)).hasMessageContaining("no open shift");
            assertThat(s.failure("select app.open_shift(-1)")).hasMessageContaining("0 paise or more");
            UUID shift = openShift(s, 100_000);
            assertThat(s.failure("select app.open_shift(0)")).hasMessageContaining("already have an open shift");
            collect(s, bill, 120_000, "cash-shift-1");
            collect(s, bill, 30_050, "cash-shift-2");
            assertThat(s.string("select shift_id::text from cash_collections where idempotency_key = 'cash-shift-1'"))
                    .isEqualTo(shift.toString());

            // only its clerk closes it
            s.as(colleague, facility);
            assertThat(s.rows("cashier_shifts")).isZero();
            assertThat(s.failure("select app.close_shift(?, 0)", shift)).hasMessageContaining("only the clerk who opened shift");

            s.as(clerk, facility);
            // float 1 000.00 + 1 200.00 + 300.50 = 2 500.50 expected; 2 500.00 counted → 0.50 short
            assertThat(s.string("select concat_ws(' ', status, expected_paise, counted_paise, variance_paise) "
                    + "from app.close_shift(?, 250000)", shift)).isEqualTo("closed 250050 250000 -50");
            assertThat(s.failure("select app.close_shift(?, 250000)", shift)).hasMessageContaining("already closed");
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-shift-3')", bill)).hasMessageContaining("no open shift");

            // a new shift starts afresh
            UUID next = openShift(s, 0);
            collect(s, bill, 100, "cash-shift-4");
            assertThat(s.string("select concat_ws(' ', status, expected_paise, variance_paise) from app.close_shift(?, 200)", next))
                    .isEqualTo("closed 100 100");

            // the colleague's own shift; the admin sees both clerks' shifts
            s.as(colleague, facility);
            openShift(s, 0);
            assertThat(s.rows("cashier_shifts")).isEqualTo(1);
            s.as(SUPER_ADMIN, facility);
            assertThat(s.rows("cashier_shifts where facility_id = ?", facility)).isEqualTo(3);
            // the database, too, refuses a collection into a closed shift and a change to a closed shift
            assertThat(s.failure("update cashier_shifts set counted_paise = 1 where id = ?", shift))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void onlyStaffWithCashCollectCollectAndNobodyWritesCollectionsDirectly() throws Exception {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            UUID facility = facility(s, "perm", PERCENTAGE);
            UUID bill = issuedBill(s, facility, 500_000);
            UUID reception = clerk(s, facility, "perm-rec", "reception");
            UUID clerk = clerk(s, facility, "perm", "billing");

            // a staff member without cash.collect
            s.as(reception, facility);
            assertThat(s.failure("select app.open_shift(0)")).hasMessageContaining("needs a staff member with cash.collect");
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-perm-1')", bill))
                    .hasMessageContaining("needs a staff member with cash.collect");
            // the super admin and a facility admin are no clerks
            s.as(SUPER_ADMIN, facility);
            assertThat(s.failure("select app.collect_cash(?, 100, 'cash-perm-2')", bill))
                    .hasMessageContaining("needs a staff member with cash.collect");
            // a doctor elsewhere
            s.as(SANJEEVANI_DOCTOR, SANJEEVANI);
            assertThat(s.failure("select app.open_shift(0)")).hasMessageContaining("needs a staff member with cash.collect");

            s.as(clerk, facility);
            openShift(s, 0);
            UUID cash = collect(s, bill, 100_000, "cash-perm-3");
            assertThat(s.failure("update cash_collections set settlement_status = 'settled' where id = ?", cash))
                    .hasMessageContaining("permission denied");
            assertThat(s.failure("""
                    insert into cash_collections (facility_id, bill_id, patient_id, shift_id, collected_by, amount_collected_paise,
                        configuration_effective_from, gst_rate, commission_paise, commission_gst_paise, idempotency_key, created_by)
                    select facility_id, bill_id, patient_id, shift_id, collected_by, 1, configuration_effective_from, 0, 0, 0,
                           'cash-perm-4', created_by from cash_collections where id = ?""", cash))
                    .hasMessageContaining("permission denied");
            // the clerk sees the collection, not the ledger
            assertThat(s.rows("cash_collections")).isEqualTo(1);
            assertThat(s.rows("journal_entries")).isZero();
            assertThat(List.of(s.string("select app.cash_commission_figures(300000, 'percentage', 0.02, null, true, 0.18)::text")))
                    .containsExactly("(6000,1080)");
        }
    }
}
