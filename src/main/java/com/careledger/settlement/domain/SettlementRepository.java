package com.careledger.settlement.domain;

import static com.careledger.db.public_.Tables.SETTLEMENTS;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.careledger.core.db.Refusal;
import com.careledger.core.db.RetryOnConflict;
import com.careledger.db.app.Routines;
import com.careledger.db.public_.enums.SettlementDirection;
import com.careledger.db.public_.enums.SettlementItemKind;
import com.careledger.db.public_.enums.SettlementStatus;
import com.careledger.db.public_.enums.SettlementType;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Settlements: each call is one SECURITY DEFINER function that checks the caller (the super admin, mostly). */
@Repository
@Transactional
@RetryOnConflict
public class SettlementRepository {

    private final DSLContext db;

    public SettlementRepository(DSLContext db) {
        this.db = db;
    }

    /** A settlement as a list shows it: X (hospital share), Y (platform share), net and direction, TDS. */
    public record Settlement(UUID id, UUID facilityId, SettlementType type, SettlementStatus status, LocalDate periodFrom,
                             LocalDate periodTo, long hospitalSharePaise, long platformSharePaise, long netAmountPaise,
                             SettlementDirection direction, long tdsDeductedPaise, int allocations,
                             @Nullable OffsetDateTime paidAt, @Nullable String bankReference) {
    }

    /** A draft for the facility and period; filled with every open item of its type up to the period's end, or empty. */
    public UUID createDraft(UUID facility, SettlementType type, LocalDate from, LocalDate to, boolean fill) {
        return Refusal.translate(() -> db.select(Routines.createSettlement(facility, type, from, to, fill)).fetchSingle().value1());
    }

    /** Allocates an item to a draft: the amount given, or (null) all that is open of it. */
    public UUID allocate(UUID settlement, SettlementItemKind kind, UUID item, @Nullable Long amountPaise) {
        return Refusal.translate(() -> db.select(Routines.allocateToSettlement(settlement, kind, item, amountPaise))
                .fetchSingle().value1());
    }

    public void submit(UUID settlement) {
        Refusal.translate(() -> {
            Routines.submitSettlement(db.configuration(), settlement);
            return null;
        });
    }

    /** The facility admin has seen the pending settlement. */
    public void acknowledge(UUID settlement) {
        Refusal.translate(() -> {
            Routines.acknowledgeSettlement(db.configuration(), settlement);
            return null;
        });
    }

    public void approve(UUID settlement) {
        Refusal.translate(() -> {
            Routines.approveSettlement(db.configuration(), settlement);
            return null;
        });
    }

    /** Marks an approved settlement paid with the bank's reference; returns the ledger entry it posted. */
    public UUID pay(UUID settlement, String bankReference) {
        return Refusal.translate(() -> db.select(Routines.paySettlement(settlement, bankReference)).fetchSingle().value1());
    }

    public void cancel(UUID settlement, String reason) {
        Refusal.translate(() -> {
            Routines.cancelSettlement(db.configuration(), settlement, reason);
            return null;
        });
    }

    /** The settlements the caller may see (facility admins: their facility's, drafts excluded), newest first. */
    @Transactional(readOnly = true)
    public List<Settlement> list(@Nullable UUID facility) {
        var s = SETTLEMENTS;
        return db.select(s.ID, s.FACILITY_ID, s.SETTLEMENT_TYPE, s.SETTLEMENT_STATUS, s.PERIOD_FROM, s.PERIOD_TO,
                        s.HOSPITAL_SHARE_PAISE, s.PLATFORM_SHARE_PAISE, s.NET_AMOUNT_PAISE, s.DIRECTION,
                        s.TDS_DEDUCTED_PAISE, s.ALLOCATIONS_COUNT, s.PAID_AT, s.BANK_REFERENCE)
                .from(s)
                .where(facility == null ? org.jooq.impl.DSL.noCondition() : s.FACILITY_ID.eq(facility))
                .orderBy(s.CREATED_AT.desc())
                .fetch(r -> new Settlement(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
                        r.value7(), r.value8(), r.value9(), r.value10(), r.value11(), r.value12(), r.value13(), r.value14()));
    }
}
