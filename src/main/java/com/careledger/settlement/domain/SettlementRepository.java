package com.careledger.settlement.domain;

import static com.careledger.db.public_.Tables.SETTLEMENTS;
import static org.jooq.Records.mapping;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.careledger.core.db.RetryOnConflict;
import com.careledger.db.app.Routines;
import com.careledger.db.public_.enums.SettlementDirection;
import com.careledger.db.public_.enums.SettlementItemKind;
import com.careledger.db.public_.enums.SettlementStatus;
import com.careledger.db.public_.enums.SettlementType;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Settlements: each call is one SECURITY DEFINER function that checks the caller (the super admin, mostly). */
@Repository
@Transactional
@RetryOnConflict
public class SettlementRepository {

    private final DSLContext db;
    private final ApplicationEventPublisher events;

    /** @param events receives {@link SettlementPaid} inside the transaction that pays a settlement */
    public SettlementRepository(DSLContext db, ApplicationEventPublisher events) {
        this.db = db;
        this.events = events;
    }

    /** A settlement as a list shows it: X (hospital share), Y (platform share), net and direction, TDS. */
    public record Settlement(UUID id, UUID facilityId, SettlementType type, SettlementStatus status, LocalDate periodFrom,
                             LocalDate periodTo, long hospitalSharePaise, long platformSharePaise, long netAmountPaise,
                             SettlementDirection direction, long tdsDeductedPaise, int allocations,
                             @Nullable OffsetDateTime paidAt, @Nullable String bankReference) {
    }

    /** A draft for the facility and period; filled with every open item of its type up to the period's end, or empty. */
    public UUID createDraft(UUID facility, SettlementType type, LocalDate from, LocalDate to, boolean fill) {
        return db.select(Routines.createSettlement(facility, type, from, to, fill)).fetchSingle().value1();
    }

    /** Allocates an item to a draft: the amount given, or (null) all that is open of it. */
    public UUID allocate(UUID settlement, SettlementItemKind kind, UUID item, @Nullable Long amountPaise) {
        return db.select(Routines.allocateToSettlement(settlement, kind, item, amountPaise)).fetchSingle().value1();
    }

    public void submit(UUID settlement) {
        Routines.submitSettlement(db.configuration(), settlement);
    }

    /** The facility admin has seen the pending settlement. */
    public void acknowledge(UUID settlement) {
        Routines.acknowledgeSettlement(db.configuration(), settlement);
    }

    public void approve(UUID settlement) {
        Routines.approveSettlement(db.configuration(), settlement);
    }

    /**
     * Marks an approved settlement paid with the bank's reference; returns the ledger entry it posted. Publishes
     * {@link SettlementPaid}, which listeners that wait for the commit (the reports' refresh) receive only once the
     * payment has committed.
     */
    public UUID pay(UUID settlement, String bankReference) {
        UUID entry = db.select(Routines.paySettlement(settlement, bankReference)).fetchSingle().value1();
        events.publishEvent(new SettlementPaid(settlement, entry));
        return entry;
    }

    public void cancel(UUID settlement, String reason) {
        Routines.cancelSettlement(db.configuration(), settlement, reason);
    }

    /** The settlements the caller may see (facility admins: their facility's, drafts excluded), newest first. */
    @Transactional(readOnly = true)
    public List<Settlement> list(@Nullable UUID facility) {
        var s = SETTLEMENTS;
        return db.select(s.ID, s.FACILITY_ID, s.SETTLEMENT_TYPE, s.SETTLEMENT_STATUS, s.PERIOD_FROM, s.PERIOD_TO,
                        s.HOSPITAL_SHARE_PAISE, s.PLATFORM_SHARE_PAISE, s.NET_AMOUNT_PAISE, s.DIRECTION,
                        s.TDS_DEDUCTED_PAISE, s.ALLOCATIONS_COUNT, s.PAID_AT, s.BANK_REFERENCE)
                .from(s)
                .where(facility == null ? DSL.noCondition() : s.FACILITY_ID.eq(facility))
                .orderBy(s.CREATED_AT.desc())
                .fetch(mapping(Settlement::new));
    }
}
