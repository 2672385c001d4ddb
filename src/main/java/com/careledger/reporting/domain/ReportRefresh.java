package com.careledger.reporting.domain;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

import com.careledger.core.db.DbContext;
import com.careledger.core.db.SystemSecret;
import com.careledger.settlement.domain.SettlementPaid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps the reporting materialized views fresh, acting as the report-refresh system principal: every
 * {@code careledger.reporting.refresh-interval} (default 15 minutes), on demand ({@link #refreshNow()}), and after a
 * transaction that changed what they show commits: one that paid a settlement ({@link SettlementPaid}), or one that
 * asked for it ({@link #refreshAfterCommit()}). Both wait for the commit as Spring's
 * {@link TransactionalEventListener}s, so a rolled-back transaction refreshes nothing. Refreshes are CONCURRENTLY, so
 * dashboards keep reading while one runs; a refresh that finds another of the same view running is skipped and logged
 * as such. See docs/reporting.md, "Refresh".
 */
@Component
public class ReportRefresh {

    /** The system principal refreshes act as (seeded in V0002__request_context.sql). */
    public static final UUID SYSTEM_USER = UUID.fromString("00000000-0000-4000-8000-000000000002");

    private static final Logger LOG = LoggerFactory.getLogger(ReportRefresh.class);

    /** Published by {@link #refreshAfterCommit()} inside the transaction it waits for. */
    record RefreshRequested() {
    }

    private final ReportRefreshRepository repository;
    private final SystemSecret systemSecret;
    private final ApplicationEventPublisher events;
    private final Executor afterCommitExecutor;

    /**
     * @param afterCommitExecutor where a refresh after commit runs: Spring Boot's application task executor, so the
     *                            committing request does not wait for it; on the committing thread when there is none
     */
    ReportRefresh(ReportRefreshRepository repository, ApplicationEventPublisher events, SystemSecret systemSecret,
                  @Qualifier("applicationTaskExecutor") ObjectProvider<Executor> afterCommitExecutor) {
        this.repository = repository;
        this.systemSecret = systemSecret;
        this.events = events;
        this.afterCommitExecutor = afterCommitExecutor.getIfAvailable(() -> Runnable::run);
    }

    @Scheduled(fixedDelayString = "${careledger.reporting.refresh-interval:PT15M}",
               initialDelayString = "${careledger.reporting.refresh-initial-delay:PT1M}")
    void scheduled() {
        refreshAndLog("scheduled");
    }

    /** Refreshes every view now, as the report-refresh principal, in a transaction of its own. */
    public List<ReportRefreshRepository.RefreshResult> refreshNow() {
        return DbContext.callAsUnchecked(systemSecret.contextOf(SYSTEM_USER), repository::refreshAll);
    }

    /**
     * Refreshes every view once the current transaction commits (not at all if it rolls back). Call it inside a
     * transaction that changed what the reports show, so the dashboards show it without waiting for the schedule.
     *
     * @throws IllegalStateException outside a transaction, where there is no commit to wait for
     */
    public void refreshAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("refreshAfterCommit needs an active transaction");
        }
        events.publishEvent(new RefreshRequested());
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void afterCommit(RefreshRequested request) {
        afterCommitExecutor.execute(() -> refreshAndLog("after commit"));
    }

    /** A paid settlement moves pending commission and the revenue figures: refresh once the payment has committed. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void settlementPaid(SettlementPaid paid) {
        afterCommitExecutor.execute(() -> refreshAndLog("settlement " + paid.settlement() + " paid"));
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
