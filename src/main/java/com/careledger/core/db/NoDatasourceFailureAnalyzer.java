package com.careledger.core.db;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start without a database ({@link DatasourceCheck}) as Spring Boot's "APPLICATION FAILED TO START",
 * naming the properties of an external PostgreSQL 16 (README, "External PostgreSQL 16"), with no stack trace.
 * Registered in META-INF/spring.factories.
 */
public final class NoDatasourceFailureAnalyzer extends AbstractFailureAnalyzer<DatasourceCheck.NoDatasource> {

    static final String ACTION = """
            Point the portal at a PostgreSQL 16 with these properties (or environment variables) and start it again:
                spring.datasource.url        SPRING_DATASOURCE_URL        jdbc:postgresql://<host>:5432/careledger
                spring.datasource.username   SPRING_DATASOURCE_USERNAME   careledger_app (every request runs as this role)
                spring.datasource.password   SPRING_DATASOURCE_PASSWORD
                spring.flyway.user           SPRING_FLYWAY_USER           careledger_migrator (migrations run as this role only)
                spring.flyway.password       SPRING_FLYWAY_PASSWORD       (cleared from the portal once it has migrated)
            A superuser creates the roles and the database once, with db/setup/roles.sql and db/setup/database.sql
            (README, "External PostgreSQL 16").""";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DatasourceCheck.NoDatasource cause) {
        return new FailureAnalysis("No database is configured: " + cause.getMessage(), ACTION, cause);
    }
}
