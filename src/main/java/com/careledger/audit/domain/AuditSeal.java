package com.careledger.audit.domain;

import java.util.List;
import java.util.UUID;

import com.careledger.core.db.DbContext;
import com.careledger.core.db.SystemSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Seals the audit log every {@code careledger.audit-seal.interval} (default 10 minutes), acting as the audit-seal
 * system principal: each run chains the rows of the transactions that have finished since the last one onto their
 * facility's hash chain and anchors the heads where the schema's owner cannot write. Rows are open to undetected
 * change only until the next run. A failed run only logs: the next one seals what it left. See docs/database.md,
 * "Audit log".
 */
@Component
public class AuditSeal {

    /** The system principal sealing acts as (seeded in V0040__audit_ids_and_seals.sql). */
    public static final UUID SYSTEM_USER = UUID.fromString("00000000-0000-4000-8000-000000000004");

    private static final Logger LOG = LoggerFactory.getLogger(AuditSeal.class);

    private final AuditSealRepository repository;
    private final SystemSecret systemSecret;

    AuditSeal(AuditSealRepository repository, SystemSecret systemSecret) {
        this.repository = repository;
        this.systemSecret = systemSecret;
    }

    @Scheduled(fixedDelayString = "${careledger.audit-seal.interval:PT10M}",
               initialDelayString = "${careledger.audit-seal.initial-delay:PT2M}")
    void scheduled() {
        try {
            List<AuditSealRepository.Seal> seals = sealNow();
            long rows = seals.stream().mapToLong(AuditSealRepository.Seal::rowsSealed).sum();
            LOG.debug("Audit seal: {} rows of {} facilities sealed", rows, seals.size());
        } catch (RuntimeException e) {
            LOG.error("Audit seal failed; the next run seals what this one left", e);
        }
    }

    /** One run now, as the audit-seal principal, in a transaction of its own; the seals it wrote. */
    public List<AuditSealRepository.Seal> sealNow() {
        return DbContext.callAsUnchecked(systemSecret.contextOf(SYSTEM_USER), repository::seal);
    }
}
