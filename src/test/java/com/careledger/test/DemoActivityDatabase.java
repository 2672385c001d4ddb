package com.careledger.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

/**
 * A database of the test server as {@code ./mvnw spring-boot:run} makes it on a first start: the migrations, the demo
 * data and the demo activity of {@code db/demo-activity}, which the test run's own database leaves out (its tests read
 * the small fixture). Made once per JVM, as {@value #DATABASE}.
 */
public final class DemoActivityDatabase {

    public static final String DATABASE = "careledger_demo_activity";
    public static final String ACTIVITY_SCRIPT = "db/demo-activity/R__demo_data_activity.sql";

    private static @Nullable Duration activityTime;

    private DemoActivityDatabase() {
    }

    /** Creates and migrates the database at the first call of the JVM; returns how long the demo activity took. */
    public static synchronized Duration migrated() {
        if (activityTime == null) {
            var server = TestDatabase.server();
            server.prepareDatabase(DATABASE, EmbeddedPostgresAutoConfiguration.OWNER_ROLE,
                    EmbeddedPostgresAutoConfiguration.rolesScript());
            MigrateResult result = Flyway.configure()
                    .dataSource(server.jdbcUrl(DATABASE), EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE,
                            server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE))
                    .locations("classpath:db/migration", "classpath:db/demo", "classpath:db/demo-activity")
                    .placeholders(Map.of("demo_password", TestDatabase.DEMO_PASSWORD))
                    .load()
                    .migrate();
            activityTime = Duration.ofMillis(result.migrations.stream()
                    .filter(m -> m.filepath != null && m.filepath.endsWith("R__demo_data_activity.sql"))
                    .mapToLong(m -> m.executionTime).sum());
        }
        return activityTime;
    }

    /** A session of the app role on a new connection to the database; nothing committed (rolled back at close). */
    public static AppSession open() throws SQLException {
        migrated();
        Connection c = TestDatabase.server().connect(DATABASE, EmbeddedPostgresAutoConfiguration.APP_ROLE);
        c.setAutoCommit(false);
        return AppSession.on(c);
    }

    /** A connection of the migrator, the role Flyway runs the demo scripts as. */
    public static Connection connectAsMigrator() throws SQLException {
        migrated();
        return TestDatabase.server().connect(DATABASE, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE);
    }

    /** The activity script as Flyway runs it (its placeholder replaced). */
    public static String activityScript() {
        try (InputStream in = DemoActivityDatabase.class.getClassLoader().getResourceAsStream(ACTIVITY_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(ACTIVITY_SCRIPT + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${demo_password}", TestDatabase.DEMO_PASSWORD);
        } catch (IOException e) {
            throw new IllegalStateException("Could not read " + ACTIVITY_SCRIPT, e);
        }
    }
}
