package com.careledger.core.db.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Condition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Development and demo mode: with no {@code spring.datasource.url} configured, start a PostgreSQL 16 of
 * our own, create the database roles, and point the app (as {@code careledger_app}) and Flyway (as
 * {@code careledger_migrator}) at it, each with its password from the server's password file. With a datasource configured this whole class is skipped. It lives in
 * src/dev, registered in src/dev/resources: development builds, the tests and the jOOQ code generation have
 * it, and the production jar carries neither it nor the PostgreSQL binaries (pom.xml, profiles dev and
 * production), so there a missing datasource stops the start ({@code core.db.DatasourceCheck}).
 */
@AutoConfiguration(before = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
@Conditional(EmbeddedPostgresAutoConfiguration.NoDatasourceConfigured.class)
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresAutoConfiguration {

    public static final String DATABASE = "careledger";
    public static final String OWNER_ROLE = "careledger_owner";
    /** The role migrations run as: a member of the owner and the definer, held by the migrate step only. */
    public static final String MIGRATOR_ROLE = "careledger_migrator";
    public static final String APP_ROLE = "careledger_app";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresAutoConfiguration.class);

    /** On when no datasource URL is configured and the embedded server is not switched off. */
    static final class NoDatasourceConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var env = context.getEnvironment();
            return !env.containsProperty("spring.datasource.url")
                    && env.getProperty("careledger.embedded-postgres.enabled", Boolean.class, true);
        }
    }

    @Bean(destroyMethod = "")
    LocalPostgres localPostgres(EmbeddedPostgresProperties properties) {
        LocalPostgres server;
        if (properties.ephemeral()) {
            // one throw-away cluster per JVM, shared by every Spring context of a test run
            Path data = properties.dataDirectory().resolve("run-" + ProcessHandle.current().pid());
            server = LocalPostgres.shared(new LocalPostgres.Settings(data, properties.installDirectory(), 0,
                    Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off")));
        } else {
            server = LocalPostgres.start(new LocalPostgres.Settings(properties.dataDirectory(),
                    properties.installDirectory(), properties.port(), Map.of()));
        }
        server.prepareDatabase(DATABASE, OWNER_ROLE, rolesScript());
        return server;
    }

    /** Stops a persistent (non-ephemeral) server with the application context. */
    @Bean
    AutoCloseable localPostgresStopper(LocalPostgres server, EmbeddedPostgresProperties properties) {
        return properties.ephemeral() ? () -> { } : server::close;
    }

    @Bean
    JdbcConnectionDetails embeddedAppConnection(LocalPostgres server) {
        return new JdbcConnectionDetails() {
            @Override public String getUsername() { return APP_ROLE; }
            @Override public String getPassword() { return server.password(APP_ROLE); }
            @Override public String getJdbcUrl() { return server.jdbcUrl(DATABASE); }
        };
    }

    /**
     * Flyway's connection: the migrator. Its password is read from the password file when Flyway's data source is
     * made and kept nowhere in this bean ({@code core.db.MigrationStep} forgets it after the migration).
     */
    @Bean
    FlywayConnectionDetails embeddedMigratorConnection(LocalPostgres server) {
        return new FlywayConnectionDetails() {
            @Override public String getUsername() { return MIGRATOR_ROLE; }
            @Override public String getPassword() { return server.password(MIGRATOR_ROLE); }
            @Override public String getJdbcUrl() { return server.jdbcUrl(DATABASE); }
        };
    }

    /**
     * Demo mode: the demo facilities and sign-ins of db/demo and, unless switched off, their ninety days of activity
     * of db/demo-activity: locations production never reads.
     */
    @Bean
    FlywayConfigurationCustomizer demoDataLocation(EmbeddedPostgresProperties properties) {
        return configuration -> {
            if (properties.demoData()) {
                List<org.flywaydb.core.api.Location> locations = new ArrayList<>(List.of(configuration.getLocations()));
                locations.add(new org.flywaydb.core.api.Location("classpath:db/demo"));
                if (properties.demoActivity()) {
                    locations.add(new org.flywaydb.core.api.Location("classpath:db/demo-activity"));
                }
                configuration.locations(locations.toArray(org.flywaydb.core.api.Location[]::new))
                        .placeholders(Map.of("demo_password", properties.demoPassword()));
            }
        };
    }

    /** Prints the demo sign-ins once the portal is up. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> demoSignInBanner(LocalPostgres server, EmbeddedPostgresProperties properties) {
        return event -> {
            if (!properties.demoData()) {
                return;
            }
            String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
            StringBuilder banner = new StringBuilder("\n\n  CareLedger demo portal: http://localhost:" + port
                    + "\n  Demo sign-ins (password for all: " + properties.demoPassword() + ")\n");
            try (Connection c = server.connectAsSuperuser(DATABASE); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         select u.email, u.role::text, coalesce(f.name, '') from users u
                         left join facilities f on f.id = u.facility_id
                         order by u.role, f.name nulls first, u.email""")) {
                while (rs.next()) {
                    banner.append(String.format("    %-34s %-15s %s%n", rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            } catch (SQLException e) {
                LOG.warn("Could not list the demo sign-ins: {}", e.getMessage());
                return;
            }
            LOG.info(banner.toString());
        };
    }

    public static String rolesScript() {
        try (InputStream in = EmbeddedPostgresAutoConfiguration.class.getClassLoader()
                .getResourceAsStream("db/setup/roles.sql")) {
            if (in == null) {
                throw new IllegalStateException("db/setup/roles.sql is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Could not read db/setup/roles.sql", e);
        }
    }
}
