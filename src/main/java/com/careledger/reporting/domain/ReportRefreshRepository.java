package com.careledger.reporting.domain;

import static com.careledger.db.app.Tables.REFRESH_REPORTING_VIEW;
import static com.careledger.db.app.Tables.REFRESH_REPORTING_VIEWS;
import static com.careledger.db.app.Tables.REPORT_REFRESH_FRESHNESS;
import static org.jooq.Records.mapping;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Refreshing the reporting materialized views ({@code app.refresh_reporting_view}) and how fresh they are.
 * A refresh runs in a transaction of its own ({@code REQUIRES_NEW}): it must commit for readers to see it, and it may
 * be started from a transaction that has just committed (after a settlement is paid). Only the super admin and the
 * report-refresh system principal may refresh; the database refuses anyone else.
 */
@Repository
@Transactional(readOnly = true)
public class ReportRefreshRepository {

    /** Names of the views, as {@code app.reporting_view_names()} lists them. */
    public static final List<String> VIEWS =
            List.of("facility_daily_revenue", "pending_commission", "patient_lifetime_value", "category_revenue");

    /** One refresh: skipped (and no row count) when another refresh of the same view was running. */
    public record RefreshResult(String view, boolean skipped, @Nullable Long rows, OffsetDateTime startedAt,
                                OffsetDateTime finishedAt) {
    }

    /** A view's last refresh that ran (null if never) and its last attempt, for a "data as of" label. */
    public record Freshness(String view, @Nullable OffsetDateTime refreshedAt, @Nullable Long rows,
                            @Nullable UUID refreshedBy, @Nullable OffsetDateTime lastAttemptAt,
                            @Nullable Boolean lastAttemptSkipped) {
    }

    private final DSLContext db;

    ReportRefreshRepository(DSLContext db) {
        this.db = db;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public RefreshResult refresh(String view) {
        var r = REFRESH_REPORTING_VIEW.call(view);
        return db.select(r.VIEW_NAME, r.SKIPPED, r.ROWS_COUNT, r.STARTED_AT, r.FINISHED_AT)
                .from(r)
                .fetchSingle(mapping(RefreshResult::new));
    }

    /** Every view, in order, in one transaction. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public List<RefreshResult> refreshAll() {
        var r = REFRESH_REPORTING_VIEWS.call();
        return db.select(r.VIEW_NAME, r.SKIPPED, r.ROWS_COUNT, r.STARTED_AT, r.FINISHED_AT)
                .from(r)
                .fetch(mapping(RefreshResult::new));
    }

    /** Per view, in refresh order; the details are null for users who read no reports (row-level security). */
    public List<Freshness> freshness() {
        var r = REPORT_REFRESH_FRESHNESS.call();
        return db.select(r.VIEW_NAME, r.REFRESHED_AT, r.ROWS_COUNT, r.REFRESHED_BY, r.LAST_ATTEMPT_AT,
                        r.LAST_ATTEMPT_SKIPPED)
                .from(r)
                .fetch(mapping(Freshness::new));
    }
}
