package com.careledger.audit.domain;

import static com.careledger.db.app.Tables.SEAL_AUDIT_LOG;
import static com.careledger.db.app.Tables.VERIFY_AUDIT_CHAIN;
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
 * Sealing the audit log ({@code app.seal_audit_log}) and checking a facility's chain against its seals
 * ({@code app.verify_audit_chain}). Only the audit-seal system principal and the super admin seal; a facility's admins
 * and the super admin verify. The database refuses anyone else.
 */
@Repository
@Transactional
public class AuditSealRepository {

    /** A seal one run wrote: the facility (null for rows without one), its number, rows it added, rows in the chain. */
    public record Seal(@Nullable UUID facilityId, long sealNo, long rowsSealed, long rowsTotal) {
    }

    /** One seal checked against the rows: verified, or what is wrong ({@code problem}). */
    public record SealCheck(long sealNo, OffsetDateTime sealedAt, long rowsSealed, long rowsFound, boolean verified,
                            @Nullable String problem) {
    }

    private final DSLContext db;

    AuditSealRepository(DSLContext db) {
        this.db = db;
    }

    /** One sealing run, in a transaction of its own so that its seals commit whatever the caller does. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public List<Seal> seal() {
        var s = SEAL_AUDIT_LOG.call();
        return db.select(s.FACILITY_ID, s.SEAL_NO, s.ROWS_SEALED, s.ROWS_TOTAL)
                .from(s)
                .fetch(mapping(Seal::new));
    }

    /** Every seal of the facility's chain (null: the rows without a facility), in order, checked. */
    @Transactional(readOnly = true)
    public List<SealCheck> verify(@Nullable UUID facility) {
        var v = VERIFY_AUDIT_CHAIN.call(facility);
        return db.select(v.SEAL_NO, v.SEALED_AT, v.ROWS_SEALED, v.ROWS_FOUND, v.VERIFIED, v.PROBLEM)
                .from(v)
                .fetch(mapping(SealCheck::new));
    }
}
