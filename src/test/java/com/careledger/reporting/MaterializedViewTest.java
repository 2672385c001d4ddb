package com.careledger.reporting;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

import com.careledger.reporting.ReportingFixture.Scenario;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * The reporting materialized views (app.mv_facility_daily_revenue, app.mv_pending_commission,
 * app.mv_patient_lifetime_value, app.mv_category_revenue), read through their app.report_* wrappers: after a refresh
 * (run here inside the test's transaction: REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed in a transaction block)
 * they agree with the live reconciliation view and the source rows; each principal sees only what it may report on; the
 * app role cannot read a materialized view directly.
 */
class MaterializedViewTest {

    private static final List<String> VIEWS =
            List.of("mv_facility_daily_revenue", "mv_pending_commission", "mv_patient_lifetime_value", "mv_category_revenue");

    @Test
    void theWrappersShowNewRowsOnlyAfterARefresh() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "stale");
            s.as(SUPER_ADMIN, null);
            assertThat(s.countOf("select 1 from app.report_facility_daily_revenue(null, null) where facility_id = ?",
                    sc.hospital().id())).isZero();
            assertThat(s.table("select view_name, skipped from app.refresh_reporting_views()")).containsExactly(
                    List.of("facility_daily_revenue", "f"), List.of("pending_commission", "f"),
                    List.of("patient_lifetime_value", "f"), List.of("category_revenue", "f"));
            assertThat(s.countOf("select 1 from app.report_facility_daily_revenue(null, null) where facility_id = ?",
                    sc.hospital().id())).isOne();
        }
    }

    @Test
    void dailyRevenueAgreesWithTheSourceRows() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "daily");
            s.as(SUPER_ADMIN, null);
            s.execute("select * from app.refresh_reporting_views()");
            LocalDate today = s.istToday();
            assertThat(s.table("""
                    select day, billed_paise, online_paise, online_refunded_paise, cash_paise, cash_refunded_paise,
                           revenue_paise, commission_online_paise, commission_cash_paise
                    from app.report_facility_daily_revenue(?, ?) where facility_id = ?""", today, today, sc.hospital().id()))
                    .containsExactly(List.of(today.toString(), "1600000", "1000000", "0", "500000", "0", "1500000", "1000", "10000"));
            // the same figures from the live view
            assertThat(s.table("""
                    select billed_paise, collected_online_paise + collected_cash_paise, commission_online_paise,
                           commission_cash_paise from reporting_facility_summary where facility_id = ?""", sc.hospital().id()))
                    .containsExactly(List.of("1600000", "1500000", "1000", "10000"));
            // a range that ends before today shows nothing of today
            assertThat(s.countOf("select 1 from app.report_facility_daily_revenue(null, ?) where facility_id = ?",
                    today.minusDays(1), sc.hospital().id())).isZero();
        }
    }

    @Test
    void pendingCommissionAgreesWithTheLedgerAndTheLiveView() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "pending");
            s.as(SUPER_ADMIN, null);
            s.execute("select * from app.refresh_reporting_views()");
            for (ReportingFixture.Facility f : List.of(sc.hospital(), sc.clinic())) {
                assertThat(s.table("""
                        select pending_cash_paise, pending_online_paise, pending_paise
                        from app.report_pending_commission() where facility_id = ?""", f.id()))
                        .containsExactly(s.table("""
                        select app.account_balance(?, 'facility_receivable'), commission_pending_online_paise,
                               commission_pending_paise
                        from reporting_facility_summary where facility_id = ?""", f.id(), f.id()).getFirst());
            }
            assertThat(s.table("select pending_paise, open_items, oldest_item_on from app.report_pending_commission() where facility_id = ?",
                    sc.hospital().id())).containsExactly(List.of("12800", "2", s.istToday().toString()));
            // every facility has a row, and the platform's total is the live one
            assertThat(s.count("select count(*) from app.report_pending_commission()"))
                    .isEqualTo(s.count("select count(*) from facilities"));
            assertThat(s.count("select sum(pending_paise) from app.report_pending_commission()"))
                    .isEqualTo(s.count("select commission_pending_paise from reporting_platform_summary"));
        }
    }

    @Test
    void patientLifetimeValueIsWhatEachPatientPaid() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "ltv");
            s.as(SUPER_ADMIN, null);
            s.execute("select * from app.refresh_reporting_views()");
            assertThat(s.table("""
                    select patient_id::text, bills_count, billed_paise, paid_online_paise, paid_cash_paise, lifetime_value_paise
                    from app.report_patient_lifetime_value(?, 10)""", sc.hospital().id())).containsSubsequence(
                    List.of(sc.cardPatient().toString(), "1", "1000000", "1000000", "0", "1000000"),
                    List.of(sc.cashPatient().toString(), "1", "500000", "0", "500000", "500000"));
            assertThat(s.count("select count(*) from app.report_patient_lifetime_value(?, 10)", sc.hospital().id())).isEqualTo(3);
            assertThat(s.count("select sum(lifetime_value_paise) from app.report_patient_lifetime_value(?, 10)", sc.hospital().id()))
                    .isEqualTo(s.count("select collected_online_paise + collected_cash_paise from reporting_facility_summary where facility_id = ?",
                            sc.hospital().id()));
            assertThat(s.count("select count(*) from app.report_patient_lifetime_value(?, 1)", sc.hospital().id())).isOne();
        }
    }

    @Test
    void categoryRevenueSumsTheFacilitiesOfACategory() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "category");
            s.as(SUPER_ADMIN, null);
            s.execute("select * from app.refresh_reporting_views()");
            LocalDate month = s.istToday().withDayOfMonth(1);
            // the super admin: every facility of the category this month, as the daily series adds up
            assertThat(s.table("""
                    select facilities_count, revenue_paise, commission_paise from app.report_category_revenue(?, ?)
                    where category = 'hospital'""", month, month)).containsExactly(s.table("""
                    select count(distinct d.facility_id), sum(d.revenue_paise), sum(d.commission_online_paise + d.commission_cash_paise)
                    from app.report_facility_daily_revenue(?, ?) d join facilities f on f.id = d.facility_id
                    where f.type = 'hospital'""", month, month.plusMonths(1).minusDays(1)).getFirst());
            // the hospital's admin: their facility's part only
            s.as(sc.hospital().admin(), sc.hospital().id());
            assertThat(s.table("select category::text, month, facilities_count, billed_paise, online_paise, cash_paise, revenue_paise, commission_paise from app.report_category_revenue(null, null)"))
                    .containsExactly(List.of("hospital", month.toString(), "1", "1600000", "1000000", "500000", "1500000", "11000"));
        }
    }

    @Test
    void everyWrapperShowsAFacilityAdminOnlyTheirFacilityAndAPatientNothing() throws SQLException {
        try (AppSession s = AppSession.openWithDefinerAccess()) {
            Scenario sc = ReportingFixture.scenario(s, "wrappers");
            s.as(SUPER_ADMIN, null);
            s.execute("select * from app.refresh_reporting_views()");
            List<String> facilityColumns = List.of(
                    "select facility_id from app.report_facility_daily_revenue(null, null)",
                    "select facility_id from app.report_pending_commission()",
                    "select facility_id from app.report_patient_lifetime_value(null, 1000)");
            for (String sql : facilityColumns) {
                assertThat(s.count("select count(distinct facility_id) from (" + sql + ") q")).as(sql).isGreaterThan(2);
            }
            s.as(sc.clinic().admin(), sc.clinic().id());
            for (String sql : facilityColumns) {
                assertThat(s.strings("select distinct facility_id::text from (" + sql + ") q")).as(sql)
                        .containsExactly(sc.clinic().id().toString());
            }
            assertThat(s.strings("select category::text from app.report_category_revenue(null, null)")).containsExactly("clinic");
            for (var who : List.of(new java.util.UUID[] {sc.clinic().clerk(), sc.clinic().id()},
                                   new java.util.UUID[] {PATIENT_ANIL, null}, new java.util.UUID[] {null, null})) {
                s.as(who[0], who[1]);
                for (String sql : facilityColumns) {
                    assertThat(s.countOf(sql)).as(sql).isZero();
                }
                assertThat(s.countOf("select 1 from app.report_category_revenue(null, null)")).isZero();
            }
        }
    }

    @Test
    void theAppRoleCannotSelectAMaterializedViewDirectly() throws SQLException {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            for (String view : VIEWS) {
                assertThat(s.sqlFailure("select count(*) from app." + view).getSQLState()).as(view).isEqualTo("42501");
            }
            assertThat(s.sqlFailure("select count(*) from app.reporting_revenue_events").getSQLState()).isEqualTo("42501");
        }
    }
}
