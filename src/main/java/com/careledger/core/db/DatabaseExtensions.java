package com.careledger.core.db;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.util.List;

import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Says at start-up which PostgreSQL extensions the database has: the required ones, and the optional
 * pg_partman and timescaledb that the migrations use only where the server offers them.
 */
@Component
public class DatabaseExtensions {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseExtensions.class);
    static final List<String> OPTIONAL = List.of("pg_partman", "timescaledb");

    private final DSLContext db;

    DatabaseExtensions(DSLContext db) {
        this.db = db;
    }

    @Transactional(readOnly = true)
    public List<String> installed() {
        return db.select(field(name("extname"), String.class))
                .from(table(name("pg_catalog", "pg_extension")))
                .where(field(name("extname"), String.class).ne("plpgsql"))
                .orderBy(field(name("extname")))
                .fetch(0, String.class);
    }

    /** Whether db/setup/database.sql has marked enum equality leakproof in this database. */
    @Transactional(readOnly = true)
    public boolean enumEqualityLeakproof() {
        return Boolean.TRUE.equals(db.fetchValue("""
                select bool_and(p.proleakproof) from pg_catalog.pg_proc p
                where p.oid in ('pg_catalog.enum_eq(anyenum, anyenum)'::regprocedure,
                                'pg_catalog.enum_ne(anyenum, anyenum)'::regprocedure)"""));
    }

    @EventListener(ApplicationReadyEvent.class)
    @Transactional(readOnly = true)
    public void report() {
        List<String> installed = installed();
        List<String> missing = OPTIONAL.stream().filter(e -> !installed.contains(e)).toList();
        LOG.info("PostgreSQL extensions: {}{}", String.join(", ", installed),
                missing.isEmpty() ? "" : " (not on this server: " + String.join(", ", missing)
                        + "; partition upkeep uses its own routine)");
        if (!enumEqualityLeakproof()) {
            LOG.warn("Enum equality is not marked leakproof in this database: reports under row-level security"
                     + " read more rows than they need. A superuser should run db/setup/database.sql (docs/database.md).");
        }
    }
}
