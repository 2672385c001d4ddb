package com.careledger.reporting;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.PARTITION_UPKEEP;
import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.careledger.reporting.domain.ReportRefresh;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * app.refresh_reporting_view: who may refresh, the log of runs, and the advisory lock that turns an
 * overlapping refresh of the same view into a logged skip while readers go on reading.
 */
class ReportRefreshTest {

    @Test
    void onlyTheSuperAdminAndTheReportRefreshPrincipalMayRefresh() throws SQLException {
        try (AppSession s = AppSession.open()) {
            for (UUID[] who : List.of(new UUID[] {SANJEEVANI_ADMIN, SANJEEVANI}, new UUID[] {SANJEEVANI_BILLING, SANJEEVANI},
                                      new UUID[] {PATIENT_ANIL, null}, new UUID[] {null, null},
                                      new UUID[] {PARTITION_UPKEEP, null})) {
                s.as(who[0], who[1]);
                assertThat(s.sqlFailure("select * from app.refresh_reporting_view('pending_commission')").getSQLState())
                        .as(String.valueOf(who[0])).isEqualTo("42501");
                assertThat(s.sqlFailure("select * from app.refresh_reporting_views()").getSQLState()).isEqualTo("42501");
            }
            s.as(ReportRefresh.SYSTEM_USER, null);
            assertThat(s.strings("select skipped::text from app.refresh_reporting_view('pending_commission')")).containsExactly("false");
            s.as(SUPER_ADMIN, null);
            assertThat(s.strings("select skipped::text from app.refresh_reporting_view('category_revenue')")).containsExactly("false");
        }
    }

    @Test
    void anUnknownViewIsRefusedByName() throws SQLException {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            var failure = s.sqlFailure("select * from app.refresh_reporting_view('pending_commission; drop table bills')");
            assertThat(failure.getSQLState()).isEqualTo("P0002");
            assertThat(failure.getMessage()).contains("does not exist");
            assertThat(s.sqlFailure("select * from app.refresh_reporting_view(null)").getSQLState()).isEqualTo("P0002");
        }
    }

    @Test
    void eachRefreshIsLoggedAndFreshnessShowsTheLastOne() throws SQLException {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            List<List<String>> runs = s.table("select view_name, rows_count from app.refresh_reporting_views()");
            assertThat(runs).extracting(r -> r.get(0))
                    .containsExactly("facility_daily_revenue", "pending_commission", "patient_lifetime_value", "category_revenue");
            assertThat(s.table("""
                    select view_name, rows_count from app.report_refresh_freshness()
                    where refreshed_by = ? and last_attempt_skipped = false""", SUPER_ADMIN)).isEqualTo(runs);
            assertThat(s.count("select rows_count from app.report_refresh_freshness() where view_name = 'pending_commission'"))
                    .isEqualTo(s.count("select count(*) from facilities"));
            assertThat(s.count("select count(*) from reporting_refresh_log where refreshed_by = ? and not skipped", SUPER_ADMIN))
                    .isGreaterThanOrEqualTo(4);
            // the log is history
            assertThat(s.sqlFailure("update reporting_refresh_log set skipped = true").getSQLState()).isEqualTo("42501");
            // a facility admin sees freshness; a patient sees no runs
            s.as(SANJEEVANI_ADMIN, SANJEEVANI);
            assertThat(s.countOf("select 1 from app.report_refresh_freshness() where refreshed_at is not null")).isEqualTo(4);
            s.as(PATIENT_ANIL, null);
            assertThat(s.countOf("select 1 from reporting_refresh_log")).isZero();
            assertThat(s.countOf("select 1 from app.report_refresh_freshness() where refreshed_at is not null")).isZero();
        }
    }

    @Test
    void aRefreshOfAViewWhileAnotherRunsIsSkippedAndReadersAreNotBlocked() throws SQLException {
        // the view holds contents of its own first, whichever tests ran before
        try (AppSession before = AppSession.open().as(SUPER_ADMIN, null)) {
            before.strings("select skipped::text from app.refresh_reporting_view('pending_commission')");
            before.commit();
        }
        try (AppSession second = AppSession.open().as(SUPER_ADMIN, null)) {
            AppSession first = AppSession.open().as(SUPER_ADMIN, null);
            try {
                // the first refresh holds the view's lock until its transaction ends
                assertThat(first.strings("select skipped::text from app.refresh_reporting_view('pending_commission')"))
                        .containsExactly("false");

                // a guard, not a measurement: a reader or refresh that waited for the first would fail here, not hang
                second.execute("set local lock_timeout = '10s'");
                assertThat(second.table("select skipped::text, rows_count from app.refresh_reporting_view('pending_commission')"))
                        .containsExactly(Arrays.asList("true", null));
                assertThat(second.table("""
                        select view_name, skipped::text, rows_count from reporting_refresh_log
                        where refreshed_by = ? order by id desc limit 1""", SUPER_ADMIN))
                        .containsExactly(Arrays.asList("pending_commission", "true", null));
                // readers read the previous contents meanwhile
                assertThat(second.count("select count(*) from app.report_pending_commission()"))
                        .isEqualTo(second.count("select count(*) from facilities"));
                // another view is not held
                assertThat(second.strings("select skipped::text from app.refresh_reporting_view('facility_daily_revenue')"))
                        .containsExactly("false");
            } finally {
                first.close();
            }
            // the first transaction has ended: its lock is gone
            assertThat(second.strings("select skipped::text from app.refresh_reporting_view('pending_commission')"))
                    .containsExactly("false");
        }
    }
}
