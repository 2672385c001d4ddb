package com.careledger.reporting.domain;

import static com.careledger.db.app.Tables.REPORT_CATEGORY_REVENUE;
import static com.careledger.db.app.Tables.REPORT_FACILITY_DAILY_REVENUE;
import static com.careledger.db.app.Tables.REPORT_PATIENT_LIFETIME_VALUE;
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
 * Revenue charts: a facility's daily revenue series, revenue by facility category per month, patients by lifetime
 * value. Read from the materialized views through {@code app.report_*} (R__0011_reporting.sql), which show only the
 * facilities the signed-in user may report on; the figures are as fresh as the views' last refresh
 * ({@link ReportRefreshRepository#freshness()}). Amounts are paise.
 */
@Repository
@Transactional(readOnly = true)
public class RevenueReportRepository {

    /** One facility's IST day: billed, online and cash in and refunded, revenue (in less refunds), commission. */
    public record DailyRevenue(UUID facilityId, LocalDate day, long billedPaise, long onlinePaise,
                               long onlineRefundedPaise, long cashPaise, long cashRefundedPaise, long revenuePaise,
                               long commissionOnlinePaise, long commissionCashPaise) {
    }

    /** One facility category's IST month, over the facilities the user may report on. */
    public record CategoryRevenue(FacilityType category, LocalDate month, long facilities, long billedPaise,
                                  long onlinePaise, long cashPaise, long revenuePaise, long commissionPaise) {
    }

    /** A patient of a facility: what they were billed and paid (online + cash less refunds) over time. */
    public record PatientLifetimeValue(UUID facilityId, UUID patientId, String fullName, long bills, long billedPaise,
                                       long paidOnlinePaise, long paidCashPaise, long lifetimeValuePaise,
                                       LocalDate firstSeenOn, LocalDate lastSeenOn) {
    }

    private final DSLContext db;

    RevenueReportRepository(DSLContext db) {
        this.db = db;
    }

    /** Daily revenue series per facility, IST days from..to (either null: open), ordered by facility and day. */
    public List<DailyRevenue> dailyRevenue(@Nullable LocalDate from, @Nullable LocalDate to) {
        var r = REPORT_FACILITY_DAILY_REVENUE.call(from, to);
        return db.select(r.FACILITY_ID, r.DAY, r.BILLED_PAISE, r.ONLINE_PAISE, r.ONLINE_REFUNDED_PAISE, r.CASH_PAISE,
                        r.CASH_REFUNDED_PAISE, r.REVENUE_PAISE, r.COMMISSION_ONLINE_PAISE, r.COMMISSION_CASH_PAISE)
                .from(r)
                .fetch(mapping(DailyRevenue::new));
    }

    /** Revenue per facility category and IST month (months touching from..to), ordered by month and category. */
    public List<CategoryRevenue> categoryRevenue(@Nullable LocalDate from, @Nullable LocalDate to) {
        var r = REPORT_CATEGORY_REVENUE.call(from, to);
        return db.select(r.CATEGORY, r.MONTH, r.FACILITIES_COUNT, r.BILLED_PAISE, r.ONLINE_PAISE, r.CASH_PAISE,
                        r.REVENUE_PAISE, r.COMMISSION_PAISE)
                .from(r)
                .fetch(mapping(CategoryRevenue::new));
    }

    /** The {@code limit} patients of highest lifetime value, of one facility (null: all the user may report on). */
    public List<PatientLifetimeValue> patientLifetimeValue(@Nullable UUID facility, int limit) {
        var r = REPORT_PATIENT_LIFETIME_VALUE.call(facility, limit);
        return db.select(r.FACILITY_ID, r.PATIENT_ID, r.FULL_NAME, r.BILLS_COUNT, r.BILLED_PAISE, r.PAID_ONLINE_PAISE,
                        r.PAID_CASH_PAISE, r.LIFETIME_VALUE_PAISE, r.FIRST_SEEN_ON, r.LAST_SEEN_ON)
                .from(r)
                .fetch(mapping(PatientLifetimeValue::new));
    }
}
