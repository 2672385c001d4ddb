package com.careledger.core.db;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.careledger.core.db.PartitionUpkeepRepository.CreatedPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the monthly partitions of appointments (and of every other table registered in
 * {@code app.partitioned_tables}) made ahead of time: once at start-up and every night after midnight IST, acting as
 * the partition-upkeep system principal. A failed run only logs: inserts still succeed (rows wait in the default
 * partition) and the next run catches up. See docs/database.md, "Services, appointments and partitions".
 */
@Component
public class PartitionUpkeep {

    /** The system principal partition upkeep acts as (seeded in V0002__request_context.sql). */
    public static final UUID SYSTEM_USER = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private static final Logger LOG = LoggerFactory.getLogger(PartitionUpkeep.class);

    private final PartitionUpkeepRepository repository;
    private final SystemSecret systemSecret;

    PartitionUpkeep(PartitionUpkeepRepository repository, SystemSecret systemSecret) {
        this.repository = repository;
        this.systemSecret = systemSecret;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartUp() {
        runAndLog();
    }

    @Scheduled(cron = "${careledger.partition-upkeep.cron:0 15 0 * * *}", zone = "Asia/Kolkata")
    void nightly() {
        runAndLog();
    }

    /** One run as the partition-upkeep principal, around {@code asOf} (null: today in IST). */
    public List<CreatedPartition> run(@Nullable LocalDate asOf) {
        return DbContext.callAsUnchecked(systemSecret.contextOf(SYSTEM_USER), () -> repository.maintain(asOf));
    }

    private void runAndLog() {
        try {
            List<CreatedPartition> created = run(null);
            if (created.isEmpty()) {
                LOG.info("Partition upkeep: every partition needed exists already");
            }
            for (CreatedPartition p : created) {
                LOG.info("Partition upkeep: created {} for {} [{}, {}) and moved {} rows into it from the default partition",
                        p.partitionName(), p.parentTable(), p.fromDay(), p.toDay(), p.rowsMoved());
            }
        } catch (RuntimeException e) {
            LOG.error("Partition upkeep failed; new rows wait in the default partitions until the next run", e);
        }
    }
}
