package com.careledger.cash.domain;

import static com.careledger.db.public_.Tables.CASHIER_SHIFTS;
import static com.careledger.db.public_.Tables.CASH_COLLECTIONS;
import static org.jooq.Records.mapping;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import com.careledger.core.db.RetryOnConflict;
import com.careledger.db.app.Routines;
import com.careledger.db.public_.enums.CashierShiftStatus;
import org.jooq.DSLContext;
import org.jooq.Record8;
import org.jooq.SelectJoinStep;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** A clerk's cash counter: their shift and the cash they collect. */
@Repository
@Transactional
@RetryOnConflict
public class CashCounterRepository {

    private final DSLContext db;

    public CashCounterRepository(DSLContext db) {
        this.db = db;
    }

    /** A shift as its clerk sees it; expected, counted and variance once closed. */
    public record Shift(UUID id, CashierShiftStatus status, OffsetDateTime openedAt, long openingFloatPaise,
                        long collectedPaise, @Nullable Long expectedPaise, @Nullable Long countedPaise,
                        @Nullable Long variancePaise) {
    }

    /** Opens a shift for the signed-in clerk with an opening float. */
    public UUID openShift(long openingFloatPaise) {
        return db.select(Routines.openShift(openingFloatPaise)).fetchSingle().value1();
    }

    /** The signed-in clerk's open shift, if any. */
    @Transactional(readOnly = true)
    public Optional<Shift> openShift() {
        return shifts().where(CASHIER_SHIFTS.STATUS.eq(CashierShiftStatus.open),
                        CASHIER_SHIFTS.STAFF_ID.eq(DSL.field("app.current_staff_id()", UUID.class)))
                .fetchOptional(mapping(Shift::new));
    }

    /** Cash the signed-in clerk's facility collected since a moment, corrected collections left out: count and sum. */
    @Transactional(readOnly = true)
    public Collected collectedSince(OffsetDateTime since) {
        return db.select(DSL.count(), DSL.coalesce(DSL.sum(CASH_COLLECTIONS.AMOUNT_COLLECTED_PAISE), BigDecimal.ZERO))
                .from(CASH_COLLECTIONS)
                .where(CASH_COLLECTIONS.COLLECTED_AT.ge(since), CASH_COLLECTIONS.CORRECTION_ENTRY_ID.isNull())
                .fetchSingle(r -> new Collected(r.value1(), r.value2().longValueExact()));
    }

    public record Collected(int collections, long paise) {
    }

    /** Closes the clerk's own shift with the cash counted in the drawer; returns it with expected and variance. */
    public Shift closeShift(UUID shift, long countedPaise) {
        db.select(Routines.closeShift(shift, countedPaise)).fetchSingle();
        return shifts().where(CASHIER_SHIFTS.ID.eq(shift)).fetchSingle(mapping(Shift::new));
    }

    /** Records cash taken for a bill; the same key again returns the first collection. */
    public UUID collect(UUID bill, long amountPaise, String idempotencyKey) {
        return db.select(Routines.collectCash(bill, amountPaise, idempotencyKey)).fetchSingle().value1();
    }

    /** Pays cash back out of the clerk's open shift (posting 6 of docs/ledger.md); the same key again returns it. */
    public UUID refund(UUID collection, long amountPaise, String reason, String idempotencyKey) {
        return db.select(Routines.refundCash(collection, amountPaise, reason, idempotencyKey)).fetchSingle().value1();
    }

    private SelectJoinStep<Record8<UUID, CashierShiftStatus, OffsetDateTime, Long, Long, Long, Long, Long>> shifts() {
        var s = CASHIER_SHIFTS;
        var collected = DSL.select(DSL.coalesce(DSL.sum(CASH_COLLECTIONS.AMOUNT_COLLECTED_PAISE), DSL.inline(BigDecimal.ZERO)))
                .from(CASH_COLLECTIONS)
                .where(CASH_COLLECTIONS.FACILITY_ID.eq(s.FACILITY_ID), CASH_COLLECTIONS.SHIFT_ID.eq(s.ID))
                .asField().cast(Long.class);
        return db.select(s.ID, s.STATUS, s.OPENED_AT, s.OPENING_FLOAT_PAISE, collected, s.EXPECTED_PAISE, s.COUNTED_PAISE,
                        s.VARIANCE_PAISE)
                .from(s);
    }
}
