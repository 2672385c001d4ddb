package com.careledger.core.db;

import static com.careledger.db.app.Tables.MAINTAIN_PARTITIONS;
import static org.jooq.Records.mapping;

import java.time.LocalDate;
import java.util.List;

import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Partition upkeep's one call: {@code app.maintain_partitions}, which makes the monthly partitions that registered
 * tables need and drains their default partitions. It runs the DDL with the owner's rights; the app role only calls it,
 * inside a transaction that carries the caller's context (the partition-upkeep principal or the super admin).
 */
@Repository
@Transactional
public class PartitionUpkeepRepository {

    /** A partition that upkeep made, with the rows it moved into it out of the default partition. */
    public record CreatedPartition(String parentTable, String partitionName, LocalDate fromDay, LocalDate toDay,
                                   long rowsMoved) {
    }

    private final DSLContext db;

    PartitionUpkeepRepository(DSLContext db) {
        this.db = db;
    }

    /** Makes what is missing around {@code asOf} (null: today in IST); idempotent. */
    public List<CreatedPartition> maintain(@Nullable LocalDate asOf) {
        var upkeep = MAINTAIN_PARTITIONS.call(asOf);
        return db.select(upkeep.PARENT_TABLE, upkeep.PARTITION_NAME, upkeep.FROM_DAY, upkeep.TO_DAY, upkeep.ROWS_MOVED)
                .from(upkeep)
                .fetch(mapping(CreatedPartition::new));
    }
}
