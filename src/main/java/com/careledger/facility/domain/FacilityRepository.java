package com.careledger.facility.domain;

import static com.careledger.db.public_.Tables.FACILITIES;
import static org.jooq.Records.mapping;
import org.jooq.impl.DSL;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.careledger.db.public_.enums.FacilityType;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Facilities as the signed-in user may see them. No query here filters by tenant: row-level security
 * does, so the super admin's and a facility admin's screens run the very same SQL.
 */
@Repository
@Transactional(readOnly = true)
public class FacilityRepository {

    /** How many facilities of one type are visible. */
    public record TypeCount(FacilityType type, int count) {
    }

    private final DSLContext db;

    FacilityRepository(DSLContext db) {
        this.db = db;
    }

    public List<Facility> findPage(int offset, int limit) {
        return db.select(FACILITIES.ID, FACILITIES.NAME, FACILITIES.TYPE, FACILITIES.STATUS, FACILITIES.CITY,
                        FACILITIES.CREATED_AT)
                .from(FACILITIES)
                .orderBy(FACILITIES.NAME, FACILITIES.ID)
                .offset(offset)
                .limit(limit)
                .fetch(mapping(Facility::new));
    }

    public int count() {
        return db.fetchCount(FACILITIES);
    }

    public Optional<Facility> findById(UUID id) {
        return db.select(FACILITIES.ID, FACILITIES.NAME, FACILITIES.TYPE, FACILITIES.STATUS, FACILITIES.CITY,
                        FACILITIES.CREATED_AT)
                .from(FACILITIES)
                .where(FACILITIES.ID.eq(id))
                .fetchOptional(mapping(Facility::new));
    }

    /** Visible facilities per type, in the order the types are declared. */
    public List<TypeCount> countByType() {
        return db.select(FACILITIES.TYPE, DSL.count())
                .from(FACILITIES)
                .groupBy(FACILITIES.TYPE)
                .orderBy(FACILITIES.TYPE)
                .fetch(mapping(TypeCount::new));
    }
}
