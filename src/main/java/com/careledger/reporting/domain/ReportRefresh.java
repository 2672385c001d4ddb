package com.careledger.reporting.domain;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

import com.careledger.core.db.DbContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps the reporting materialized views fresh, acting as the report-refresh system principal: every
 * {@code careledger.reporting.refresh-interval} (default 15 minutes), on demand ({@link #refreshNow()}), and after a
 * transaction that changed what they show commits ({@link #refreshAfterCommit()}, which the settlement service calls
 * when a settlement is paid). Refreshes are CONCURRENTLY, so dashboards keep reading while one runs; a refresh that
 * finds another of the same view running is skipped and logged as such. See docs/reporting.md, "Refresh".
 */
@Component
public class ReportRefresh {

    /** The system principal refreshes act as (seeded in V0002__request_context.sql). */
    public static final UUID SYSTEM_USER = UUID.fromString("00000000-0000-4000-8000-000000000002");

    private static final Logger LOG = LoggerFactory.getLogger(ReportRefresh.class);

    private final ReportRefreshRepository repository;
    private final Executor afterCommitExecutor;

    /**
     * @param afterCommitExecutor where a refresh after commit runs: Spring Boot's application task executor, so the
     *                            committing request does not wait for it; on the committing thread when there is none
     */
    ReportRefresh(ReportRefreshRepository repository,
                  @Qualifier("applicationTaskExecutor") ObjectProvider<Executor> afterCommitExecutor) {
        this.repository = repository;
        this.afterCommitExecutor = afterCommitExecutor.getIfAvailable(() -> Runnable::run);
    }

    @Scheduled(fixedDelayString = "${careledger.reporting.refresh-interval:PT15M}",
               initialDelayString = "${careledger.reporting.refresh-initial-delay:PT1M}")
    void scheduled() {
        refreshAndLog("scheduled");
    }

    /** Refreshes every view now, as the report-refresh principal, in a transaction of its own. */
    public List<ReportRefreshRepository.RefreshResult> refreshNow() {
        return DbContext.callAsUnchecked(new DbContext(SYSTEM_USER, null), repository::refreshAll);
    }

    /**
     * Refreshes every view once the current transaction commits (not at all if it rolls back). Call it inside the
     * transaction that pays a settlement, so the dashboards show the payment without waiting for the schedule.
     *
     * @throws IllegalStateException outside a transaction, where there is no commit to wait for
     */
    public void refreshAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("refreshAfterCommit needs an active transaction");
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                afterCommitExecutor.execute(() -> refreshAndLog("after commit"));
            }
        });
    }

    private void refreshAndLog(String why) {
        try {
            for (ReportRefreshRepository.RefreshResult r : refreshNow()) {
                if (r.skipped()) {
                    LOG.info("Report refresh ({}): {} skipped, another refresh of it was running", why, r.view());
                } else {
                    LOG.debug("Report refresh ({}): {} holds {} rows", why, r.view(), r.rows());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Report refresh ({}) failed; the views keep their previous contents until the next run", why, e);
        }
    }
}
