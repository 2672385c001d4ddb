package com.careledger.core.db;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Migrates at start-up as the migrator role ({@code spring.flyway.user=careledger_migrator}), then forgets its
 * password: the running portal keeps no credentials of a role that can reach the definer or the owner.
 *
 * <p>With {@code spring.flyway.user} (or the embedded server's connection details) Spring Boot builds Flyway a data
 * source of its own, a {@link SimpleDriverDataSource}: no pool, every connection opened for the migration is closed
 * when it ends. Afterwards its password is cleared, and so is {@code spring.flyway.password} in the bound
 * {@link FlywayProperties}. What stays out of reach of this class: an environment variable
 * ({@code SPRING_FLYWAY_PASSWORD}) remains in the process's environment, which Java cannot change, and a value in a
 * property source remains in that source (docs/database.md, "Deployment checklist").
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Flyway.class)
public class MigrationStep {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationStep.class);

    @Bean
    FlywayMigrationStrategy migrateThenForgetTheMigratorsPassword(ObjectProvider<FlywayProperties> properties) {
        return flyway -> {
            try {
                flyway.migrate();
            } finally {
                forgetPassword(flyway, properties.getIfAvailable());
            }
        };
    }

    /** Clears the password from Flyway's own data source (never the portal's) and from the bound properties. */
    static void forgetPassword(Flyway flyway, FlywayProperties properties) {
        DataSource dataSource = flyway.getConfiguration().getDataSource();
        if (dataSource instanceof SimpleDriverDataSource own) {
            own.setPassword(null);
            LOG.info("Migrated as {}; its password is forgotten", own.getUsername());
        }
        if (properties != null) {
            properties.setPassword(null);
        }
    }
}
