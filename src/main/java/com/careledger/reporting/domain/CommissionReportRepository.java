package com.careledger.reporting.domain;

import static com.careledger.db.app.Tables.PENDING_COMMISSION_AGING;
import static com.careledger.db.app.Tables.REPORT_PENDING_COMMISSION;
import static com.careledger.db.public_.Tables.REPORTING_FACILITY_SUMMARY;
import static com.careledger.db.public_.Tables.REPORTING_PLATFORM_SUMMARY;
import static org.jooq.Records.mapping;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.db.public_.enums.FacilityType;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reconciliation and commission tiles: the summary per facility and for the platform (live, from the
 * {@code reporting_*_summary} views under row-level security), pending commission per facility (from the
 * materialized view) and its aging (live). Amounts are paise; definitions in docs/reporting.md.
 *
 * <p>The owner's three questions ("Kitna commission pending", "Hospital ke paas kitna payment hold hai jo software ko
 * dena hai", "Last settlement se abhi tak ka pending difference") are first-class calls of
 * {@link com.careledger.ledger.domain.LedgerRepository} ({@code commissionPending}, {@code heldForPlatform},
 * {@code pendingSinceLastSettlement}): live, from the ledger, per facility and summed for the platform; dashboards
 * show them beside these tiles.
 */
@Repository
@Transactional(readOnly = true)
public class CommissionReportRepository {

    /** A facility's reconciliation: billed, collected, commission earned and pending (cash / online). */
    public record FacilitySummary(UUID facilityId, String facilityName, FacilityType category, long bills,
                                  long billedPaise, long collectedOnlinePaise, long collectedCashPaise,
                                  long commissionOnlinePaise, long commissionCashPaise, long commissionEarnedPaise,
                                  long commissionPendingCashPaise, long commissionPendingOnlinePaise,
                                  long commissionPendingPaise) {
    }

    /** The same summed over every facility the user may report on (the platform, for the super admin). */
    public record PlatformSummary(long facilities, long bills, long billedPaise, long collectedOnlinePaise,
                                  long collectedCashPaise, long commissionOnlinePaise, long commissionCashPaise,
                                  long commissionEarnedPaise, long commissionPendingCashPaise,
                                  long commissionPendingOnlinePaise, long commissionPendingPaise) {
    }

    /** Pending commission of a facility as of the last refresh; open receivable-side items and the oldest date. */
    public record PendingCommission(UUID facilityId, String facilityName, long pendingCashPaise,
                                    long pendingOnlinePaise, long pendingPaise, long openItems,
                                    @Nullable LocalDate oldestItemOn) {
    }

    /** Open receivable-side amounts of a facility by age in IST calendar days. */
    public record AgingBuckets(UUID facilityId, long days0To30Paise, long days31To60Paise, long days61To90Paise,
                               long days91PlusPaise, long totalPaise, long openItems, LocalDate oldestItemOn) {
    }

    private final DSLContext db;

    CommissionReportRepository(DSLContext db) {
        this.db = db;
    }

    /** Every facility the user may report on, by name. */
    public List<FacilitySummary> facilitySummaries() {
        var s = REPORTING_FACILITY_SUMMARY;
        return db.select(s.FACILITY_ID, s.FACILITY_NAME, s.CATEGORY, s.BILLS_COUNT, s.BILLED_PAISE,
                        s.COLLECTED_ONLINE_PAISE, s.COLLECTED_CASH_PAISE, s.COMMISSION_ONLINE_PAISE,
                        s.COMMISSION_CASH_PAISE, s.COMMISSION_EARNED_PAISE, s.COMMISSION_PENDING_CASH_PAISE,
                        s.COMMISSION_PENDING_ONLINE_PAISE, s.COMMISSION_PENDING_PAISE)
                .from(s)
                .orderBy(s.FACILITY_NAME)
                .fetch(mapping(FacilitySummary::new));
    }

    public PlatformSummary platformSummary() {
        var s = REPORTING_PLATFORM_SUMMARY;
        return db.select(s.FACILITIES_COUNT, s.BILLS_COUNT, s.BILLED_PAISE, s.COLLECTED_ONLINE_PAISE,
                        s.COLLECTED_CASH_PAISE, s.COMMISSION_ONLINE_PAISE, s.COMMISSION_CASH_PAISE,
                        s.COMMISSION_EARNED_PAISE, s.COMMISSION_PENDING_CASH_PAISE,
                        s.COMMISSION_PENDING_ONLINE_PAISE, s.COMMISSION_PENDING_PAISE)
                .from(s)
                .fetchSingle(mapping(PlatformSummary::new));
    }

    /** Pending commission per facility, largest first (materialized; see the refresh freshness). */
    public List<PendingCommission> pendingCommission() {
        var r = REPORT_PENDING_COMMISSION.call();
        return db.select(r.FACILITY_ID, r.FACILITY_NAME, r.PENDING_CASH_PAISE, r.PENDING_ONLINE_PAISE,
                        r.PENDING_PAISE, r.OPEN_ITEMS, r.OLDEST_ITEM_ON)
                .from(r)
                .fetch(mapping(PendingCommission::new));
    }

    /** Aging of pending commission as of an IST date (null: today), per facility with open items. */
    public List<AgingBuckets> aging(@Nullable LocalDate asOf) {
        var r = PENDING_COMMISSION_AGING.call(asOf);
        return db.select(r.FACILITY_ID, r.DAYS_0_30_PAISE, r.DAYS_31_60_PAISE, r.DAYS_61_90_PAISE,
                        r.DAYS_91_PLUS_PAISE, r.TOTAL_PAISE, r.OPEN_ITEMS, r.OLDEST_ITEM_ON)
                .from(r)
                .fetch(mapping(AgingBuckets::new));
    }
}
