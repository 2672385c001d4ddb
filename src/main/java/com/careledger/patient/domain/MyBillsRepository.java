package com.careledger.patient.domain;

import static com.careledger.db.public_.Tables.BILLS;

import java.math.BigDecimal;

import com.careledger.db.public_.enums.BillStatus;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The signed-in patient's bills at every facility they are registered at: row-level security shows a patient their
 * own bills only. Drafts (not yet given to the patient) and cancelled bills are left out.
 */
@Repository
@Transactional(readOnly = true)
public class MyBillsRepository {

    private final DSLContext db;

    MyBillsRepository(DSLContext db) {
        this.db = db;
    }

    public record Totals(int bills, long billedPaise, long paidPaise, long duePaise) {
    }

    public Totals totals() {
        return db.select(DSL.count(),
                        DSL.coalesce(DSL.sum(BILLS.TOTAL_PAISE), BigDecimal.ZERO),
                        DSL.coalesce(DSL.sum(BILLS.PAID_PAISE), BigDecimal.ZERO),
                        DSL.coalesce(DSL.sum(BILLS.AMOUNT_DUE_PAISE), BigDecimal.ZERO))
                .from(BILLS)
                .where(BILLS.STATUS.notIn(BillStatus.draft, BillStatus.cancelled))
                .fetchSingle(r -> new Totals(r.value1(), r.value2().longValueExact(), r.value3().longValueExact(),
                        r.value4().longValueExact()));
    }
}
