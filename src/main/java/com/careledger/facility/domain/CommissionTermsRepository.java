package com.careledger.facility.domain;

import static com.careledger.db.public_.Tables.FACILITY_CONFIGURATIONS;
import static com.careledger.db.public_.Tables.FACILITY_METHOD_RATES;
import static org.jooq.Records.mapping;
import static org.jooq.impl.DSL.multiset;
import static org.jooq.impl.DSL.select;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The commission terms in force for a facility; visible to its admins and the super admin only (RLS). */
@Repository
@Transactional(readOnly = true)
public class CommissionTermsRepository {

    private final DSLContext db;

    CommissionTermsRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<CommissionTerms> inForce(UUID facility, OffsetDateTime at) {
        var c = FACILITY_CONFIGURATIONS;
        var r = FACILITY_METHOD_RATES;
        return db.select(c.EFFECTIVE_FROM, c.GST_RATE, c.CASH_COMMISSION_APPLIES, c.CASH_COMMISSION_TYPE,
                        c.CASH_COMMISSION_RATE, c.CASH_COMMISSION_FIXED_PAISE, c.GST_ON_CASH_COMMISSION,
                        c.SETTLEMENT_CYCLE, c.MINIMUM_PAYOUT_PAISE, c.NETTING_ALLOWED,
                        multiset(select(r.METHOD, r.GATEWAY_MDR, r.PLATFORM_MDR)
                                .from(r)
                                .where(r.FACILITY_ID.eq(c.FACILITY_ID), r.EFFECTIVE_FROM.eq(c.EFFECTIVE_FROM))
                                .orderBy(r.METHOD))
                                .convertFrom(rows -> rows.map(mapping(CommissionTerms.MethodRate::new))))
                .from(c)
                .where(c.FACILITY_ID.eq(facility), c.EFFECTIVE_FROM.le(at))
                .orderBy(c.EFFECTIVE_FROM.desc())
                .limit(1)
                .fetchOptional(mapping(CommissionTerms::new));
    }
}
