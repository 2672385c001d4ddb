package com.careledger.reporting;

import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

import com.careledger.core.db.DbContext;
import com.careledger.reporting.domain.CommissionReportRepository;
import com.careledger.reporting.domain.HealthCardAnalyticsRepository.Scope;
import com.careledger.reporting.domain.HealthCardAnalyticsRepository;
import com.careledger.reporting.domain.ReportRefresh;
import com.careledger.reporting.domain.ReportRefreshRepository;
import com.careledger.reporting.domain.RevenueReportRepository;
import com.careledger.settlement.domain.SettlementPaid;
import com.careledger.test.TestDatabase;
import com.careledger.test.RlsWiring;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reporting repositories and the refresh job as Spring wires them: {@code @Transactional} on the RLS transaction
 * manager, each call in the context of its user. Refreshes here commit (the views are derived data); the refresh
 * after commit runs on the committing thread (a direct executor), so the test sees its effect when the transaction
 * returns.
 */
class ReportingRepositoriesTest {

    @Configuration(proxyBeanMethods = false)
    @Import({RlsWiring.class, ReportRefreshRepository.class, ReportRefresh.class, RevenueReportRepository.class,
             CommissionReportRepository.class, HealthCardAnalyticsRepository.class})
    static class Wiring {

        @Bean
        Executor applicationTaskExecutor() {
            return Runnable::run;
        }
    }

    private static AnnotationConfigApplicationContext context;

    @BeforeAll
    static void start() {
        context = new AnnotationConfigApplicationContext(Wiring.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void theJobRefreshesEveryViewAsTheReportRefreshPrincipal() throws SQLException {
        long before = refreshesBySystem();
        List<ReportRefreshRepository.RefreshResult> results = context.getBean(ReportRefresh.class).refreshNow();
        assertThat(results).extracting(ReportRefreshRepository.RefreshResult::view).isEqualTo(ReportRefreshRepository.VIEWS);
        assertThat(results).noneMatch(ReportRefreshRepository.RefreshResult::skipped);
        assertThat(refreshesBySystem()).isEqualTo(before + 4);
    }

    @Test
    void theHookRefreshesAfterTheTransactionCommitsAndNotWhenItRollsBack() throws SQLException {
        ReportRefresh refresh = context.getBean(ReportRefresh.class);
        TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        long before = refreshesBySystem();
        DbContext.runAs(TestSessions.context(SUPER_ADMIN, null), () -> tx.executeWithoutResult(status -> {
            refresh.refreshAfterCommit();
            assertThat(uncheckedRefreshesBySystem()).as("nothing before the commit").isEqualTo(before);
        }));
        assertThat(refreshesBySystem()).isEqualTo(before + 4);

        DbContext.runAs(TestSessions.context(SUPER_ADMIN, null), () -> tx.executeWithoutResult(status -> {
            refresh.refreshAfterCommit();
            status.setRollbackOnly();
        }));
        assertThat(refreshesBySystem()).isEqualTo(before + 4);

        assertThatThrownBy(refresh::refreshAfterCommit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPaidSettlementRefreshesTheReportsOnceItsTransactionCommits() throws SQLException {
        TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        SettlementPaid paid = new SettlementPaid(UUID.randomUUID(), UUID.randomUUID());
        long before = refreshesBySystem();
        DbContext.runAs(TestSessions.context(SUPER_ADMIN, null), () -> tx.executeWithoutResult(status -> {
            context.publishEvent(paid);
            assertThat(uncheckedRefreshesBySystem()).as("nothing before the commit").isEqualTo(before);
        }));
        assertThat(refreshesBySystem()).isEqualTo(before + 4);

        DbContext.runAs(TestSessions.context(SUPER_ADMIN, null), () -> tx.executeWithoutResult(status -> {
            context.publishEvent(paid);
            status.setRollbackOnly();
        }));
        assertThat(refreshesBySystem()).as("nothing after a rollback").isEqualTo(before + 4);
    }

    @Test
    void aFacilityAdminMayNotRefreshButReadsTheirFacilityOnly() {
        context.getBean(ReportRefresh.class).refreshNow();
        ReportRefreshRepository refreshes = context.getBean(ReportRefreshRepository.class);
        RevenueReportRepository revenue = context.getBean(RevenueReportRepository.class);
        CommissionReportRepository commission = context.getBean(CommissionReportRepository.class);
        HealthCardAnalyticsRepository health = context.getBean(HealthCardAnalyticsRepository.class);
        DbContext admin = TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI);

        DbContext.runAs(admin, () -> {
            assertThatThrownBy(() -> refreshes.refresh("pending_commission")).hasMessageContaining("only the super admin");

            assertThat(revenue.dailyRevenue(null, null)).isNotEmpty()
                    .allMatch(d -> d.facilityId().equals(SANJEEVANI));
            assertThat(revenue.dailyRevenue(null, null).stream().mapToLong(RevenueReportRepository.DailyRevenue::billedPaise).sum())
                    .isEqualTo(commission.facilitySummaries().getFirst().billedPaise());
            assertThat(revenue.categoryRevenue(null, null)).isNotEmpty().allMatch(c -> c.facilities() == 1);
            assertThat(revenue.patientLifetimeValue(null, 50)).isNotEmpty().allMatch(p -> p.facilityId().equals(SANJEEVANI));

            assertThat(commission.facilitySummaries()).extracting(CommissionReportRepository.FacilitySummary::facilityId)
                    .containsExactly(SANJEEVANI);
            assertThat(commission.platformSummary().facilities()).isOne();
            assertThat(commission.pendingCommission()).extracting(CommissionReportRepository.PendingCommission::facilityId)
                    .containsExactly(SANJEEVANI);
            assertThat(commission.aging(null)).allMatch(a -> a.facilityId().equals(SANJEEVANI));

            // the demo's cards are fewer than k: no group is shown, not even Anil's penicillin allergy when asked
            assertThat(health.chronicConditions(null)).isEmpty();
            assertThat(health.insuranceMix(null)).allMatch(p -> p.scope() == Scope.CATEGORY || SANJEEVANI.equals(p.facilityId()))
                    .allMatch(p -> p.patients() >= 5);
            assertThat(health.allergies(new String[] {"Penicillin"})).isEmpty();

            assertThat(refreshes.freshness()).extracting(ReportRefreshRepository.Freshness::view)
                    .isEqualTo(ReportRefreshRepository.VIEWS);
            assertThat(refreshes.freshness()).allMatch(f -> f.refreshedAt() != null && Boolean.FALSE.equals(f.lastAttemptSkipped()));
        });

        DbContext.runAs(TestSessions.context(SUPER_ADMIN, null), () -> {
            assertThat(commission.facilitySummaries()).hasSizeGreaterThan(2);
            assertThat(commission.platformSummary().facilities()).isEqualTo(commission.facilitySummaries().size());
            assertThat(refreshes.refresh("category_revenue").skipped()).isFalse();
        });
    }

    private static long refreshesBySystem() throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from reporting_refresh_log where refreshed_by = '"
                     + ReportRefresh.SYSTEM_USER + "' and not skipped")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long uncheckedRefreshesBySystem() {
        try {
            return refreshesBySystem();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
