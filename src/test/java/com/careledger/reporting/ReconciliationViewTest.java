package com.careledger.reporting;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.reporting.ReportingFixture.Scenario;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * reporting_facility_summary, reporting_platform_summary and app.pending_commission_aging agree with the source rows,
 * the ledger and the figures of docs/ledger.md ("Reporting"), and show each principal only what it may report on.
 */
class ReconciliationViewTest {

    private static final String SUMMARY = """
            select bills_count, billed_paise, collected_online_paise, collected_cash_paise, commission_online_paise,
                   commission_cash_paise, commission_earned_paise, commission_pending_cash_paise,
                   commission_pending_online_paise, commission_pending_paise
            from reporting_facility_summary where facility_id = ?""";

    @Test
    void theSummaryOfAFacilityHasMoneysFiguresToThePaisa() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "figures");
            // 3 bills: 10 000 + 5 000 + 1 000; card 10 000; cash 3 000 + 2 000; margin 120.00 − 110.00;
            // commission 60.00 + 40.00; receivable 118.00; the capture is not gateway-settled: 10.00 online pending
            assertThat(s.table(SUMMARY, sc.hospital().id())).containsExactly(List.of(
                    "3", "1600000", "1000000", "500000", "1000", "10000", "11000", "11800", "1000", "12800"));
            assertThat(s.table(SUMMARY, sc.clinic().id())).containsExactly(List.of(
                    "1", "100000", "0", "100000", "0", "2000", "2000", "2360", "0", "2360"));
        }
    }

    @Test
    void theSummaryAgreesWithTheSourceRowsAndTheLedger() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "agree");
            for (UUID f : List.of(sc.hospital().id(), sc.clinic().id())) {
                List<String> fromSources = s.table("""
                        select (select coalesce(sum(total_paise), 0) from bills
                                where facility_id = ?1 and status <> 'draft' and status <> 'cancelled'),
                               (select coalesce(sum(amount_paise - refunded_paise), 0) from payments
                                where facility_id = ?1 and captured_at is not null),
                               (select coalesce(sum(amount_collected_paise - refunded_paise), 0) from cash_collections
                                where facility_id = ?1),
                               app.account_balance(?1, 'platform_fee_income') - app.account_balance(?1, 'gateway_fee_expense'),
                               app.account_balance(?1, 'cash_commission_income'),
                               app.account_balance(?1, 'facility_receivable')
                        """.replace("?1", "'" + f + "'")).getFirst();
                assertThat(s.table("""
                        select billed_paise, collected_online_paise, collected_cash_paise, commission_online_paise,
                               commission_cash_paise, commission_pending_cash_paise
                        from reporting_facility_summary where facility_id = ?""", f)).containsExactly(fromSources);
            }
        }
    }

    @Test
    void thePlatformSummaryIsTheSumOfEveryFacilitysForTheSuperAdmin() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            ReportingFixture.scenario(s, "platform");
            s.as(SUPER_ADMIN, null);
            assertThat(s.count("select facilities_count from reporting_platform_summary"))
                    .isEqualTo(s.count("select count(*) from facilities"));
            assertThat(s.table("""
                    select billed_paise, collected_online_paise, collected_cash_paise, commission_earned_paise,
                           commission_pending_paise from reporting_platform_summary""")).isEqualTo(s.table("""
                    select sum(billed_paise), sum(collected_online_paise), sum(collected_cash_paise),
                           sum(commission_earned_paise), sum(commission_pending_paise) from reporting_facility_summary"""));
            assertThat(s.count("select commission_pending_paise from reporting_platform_summary")).isGreaterThanOrEqualTo(12800 + 2360);
        }
    }

    @Test
    void aFacilityAdminSeesOnlyTheirFacilityAndPatientsAndClerksNone() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "isolation");
            s.as(sc.hospital().admin(), sc.hospital().id());
            assertThat(s.strings("select facility_id::text from reporting_facility_summary"))
                    .containsExactly(sc.hospital().id().toString());
            assertThat(s.table("select facilities_count, billed_paise, commission_pending_paise from reporting_platform_summary"))
                    .containsExactly(List.of("1", "1600000", "12800"));
            assertThat(s.strings("select facility_id::text from app.pending_commission_aging(null)"))
                    .containsExactly(sc.hospital().id().toString());

            // the super admin who has entered a facility sees that one
            s.as(SUPER_ADMIN, sc.clinic().id());
            assertThat(s.strings("select facility_id::text from reporting_facility_summary"))
                    .containsExactly(sc.clinic().id().toString());

            // a clerk (billing staff without reports.view) and a patient (who sees their own bills) see no summary
            s.as(sc.hospital().clerk(), sc.hospital().id());
            assertThat(s.countOf("select 1 from reporting_facility_summary")).isZero();
            assertThat(s.countOf("select 1 from app.pending_commission_aging(null)")).isZero();
            assertThat(s.count("select facilities_count from reporting_platform_summary")).isZero();
            s.as(PATIENT_ANIL, null);
            assertThat(s.countOf("select 1 from reporting_facility_summary")).isZero();
            assertThat(s.countOf("select 1 from app.pending_commission_aging(null)")).isZero();
            s.as(null, null);
            assertThat(s.countOf("select 1 from reporting_facility_summary")).isZero();
        }
    }

    @Test
    void agingPutsEachOpenItemInTheBucketOfItsAgeInIstCalendarDays() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "aging");
            s.as(sc.hospital().admin(), sc.hospital().id());
            LocalDate today = s.istToday();
            // the two collections of today owe 70.80 + 47.20; as of later dates they are that many days old
            assertThat(aging(s, today)).containsExactly("11800", "0", "0", "0", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(30))).containsExactly("11800", "0", "0", "0", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(31))).containsExactly("0", "11800", "0", "0", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(60))).containsExactly("0", "11800", "0", "0", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(61))).containsExactly("0", "0", "11800", "0", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(90))).containsExactly("0", "0", "11800", "0", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(91))).containsExactly("0", "0", "0", "11800", "11800", "2", today.toString());
            assertThat(aging(s, today.plusDays(400))).containsExactly("0", "0", "0", "11800", "11800", "2", today.toString());
            // as of yesterday the items did not exist yet
            assertThat(s.countOf("select 1 from app.pending_commission_aging(?)", today.minusDays(1))).isZero();
            // the aging total is what the summary calls pending in cash (nothing allocated or refunded yet)
            assertThat(s.count("select total_paise from app.pending_commission_aging(?)", today))
                    .isEqualTo(s.count("select commission_pending_cash_paise from reporting_facility_summary"));
        }
    }

    private static List<String> aging(AppSession s, LocalDate asOf) throws SQLException {
        return s.table("""
                select days_0_30_paise, days_31_60_paise, days_61_90_paise, days_91_plus_paise, total_paise, open_items,
                       oldest_item_on from app.pending_commission_aging(?)""", asOf).getFirst();
    }
}
