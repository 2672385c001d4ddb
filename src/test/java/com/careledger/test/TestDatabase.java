package com.careledger.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.core.db.embedded.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The test run's one PostgreSQL 16: the same ephemeral server the Spring contexts of this JVM use
 * (same data directory), migrated like production plus the demo data, which the tests use as fixtures.
 * Tests connect as the app's role, never as a superuser, unless they inspect the catalog.
 */
public final class TestDatabase {

    public static final UUID SANJEEVANI = UUID.fromString("0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0001");
    public static final UUID AROGYA = UUID.fromString("0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0002");
    public static final UUID SUPER_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0001");
    public static final UUID SANJEEVANI_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0002");
    public static final UUID AROGYA_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0003");
    public static final UUID SANJEEVANI_BILLING = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0005");
    /** Patient user registered at Sanjeevani and Arogya. */
    public static final UUID PATIENT_ANIL = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0006");
    /** Patient user registered at Arogya only. */
    public static final UUID PATIENT_RAHUL = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0007");
    /** Dr. Sunil Bhosale's sign-in (a doctor at Sanjeevani: clinical.read and clinical.write). */
    public static final UUID SANJEEVANI_DOCTOR = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0a01");
    /** The system principal that partition upkeep acts as. */
    public static final UUID PARTITION_UPKEEP = UUID.fromString("00000000-0000-4000-8000-000000000001");
    public static final UUID DR_SUNIL = UUID.fromString("7a1c2e3f-0000-4000-9000-000000000002");
    public static final UUID DR_NEHA = UUID.fromString("7a1c2e3f-0000-4000-9000-000000000003");
    /** Patient records: Anil at Sanjeevani and at Arogya (both linked to his sign-in), Sunita, Rahul. */

    public static final UUID ANIL_AT_SANJEEVANI = UUID.fromString("9c4d1b2a-0000-4000-a000-000000000001");
    public static final UUID SUNITA_AT_SANJEEVANI = UUID.fromString("9c4d1b2a-0000-4000-a000-000000000002");
    public static final UUID ANIL_AT_AROGYA = UUID.fromString("9c4d1b2a-0000-4000-a000-000000000003");
    public static final UUID RAHUL_AT_AROGYA = UUID.fromString("9c4d1b2a-0000-4000-a000-000000000004");
    public static final UUID SANJEEVANI_CONSULTATION = UUID.fromString("c5e7a1b0-0000-4000-b000-000000000101");
    public static final UUID SANJEEVANI_CBC = UUID.fromString("c5e7a1b0-0000-4000-b000-000000000103");
    public static final UUID AROGYA_CONSULTATION = UUID.fromString("c5e7a1b0-0000-4000-b000-000000000201");
    public static final UUID PRECISION_LAB = UUID.fromString("0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0003");

    // health cards
    public static final UUID ANIL_CARD = UUID.fromString("c4a7d0e1-0000-4000-b000-000000000001");
    public static final String ANIL_CARD_NUMBER = "8026120000001018";
    public static final UUID SUNITA_CARD = UUID.fromString("c4a7d0e1-0000-4000-b000-000000000002");
    public static final String SUNITA_CARD_NUMBER = "8026120000001025";
    public static final UUID RAHUL_CARD = UUID.fromString("c4a7d0e1-0000-4000-b000-000000000004");
    public static final String RAHUL_CARD_NUMBER = "8026120000001041";

    public static final int DEMO_FACILITIES = 7;
    public static final String DEMO_PASSWORD = "CareLedger#2026";

    private static LocalPostgres server;

    private TestDatabase() {
    }

    public static synchronized LocalPostgres server() {
        if (server == null) {
            Path base = Path.of(System.getProperty("careledger.embedded-postgres.data-directory", "target/test-postgres"));
            Path install = Path.of(System.getProperty("careledger.embedded-postgres.install-directory", "target/postgres"));
            removeFinishedRuns(base);
            // where the runs are when the checkout is closed to the server's user (started as root)
            removeFinishedRuns(reachable(base.resolve("run-" + ProcessHandle.current().pid())).getParent());
            server = LocalPostgres.shared(new LocalPostgres.Settings(base.resolve("run-" + ProcessHandle.current().pid()),
                    install, 0, Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off")));
            server.prepareDatabase(EmbeddedPostgresAutoConfiguration.DATABASE, EmbeddedPostgresAutoConfiguration.OWNER_ROLE,
                    EmbeddedPostgresAutoConfiguration.rolesScript());
            Flyway.configure()
                    .dataSource(url(), EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE,
                            server.password(EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE))
                    .locations(demoActivity()
                            ? new String[] {"classpath:db/migration", "classpath:db/demo", "classpath:db/demo-activity"}
                            : new String[] {"classpath:db/migration", "classpath:db/demo"})
                    .placeholders(Map.of("demo_password", DEMO_PASSWORD))
                    .load()
                    .migrate();
        }
        return server;
    }

    /**
     * Whether this JVM's database holds the demo activity too: as the Spring contexts of the same JVM migrate it
     * ({@code careledger.embedded-postgres.demo-activity}; off for the database tests, on for the browser tests).
     */
    public static boolean demoActivity() {
        return Boolean.parseBoolean(System.getProperty("careledger.embedded-postgres.demo-activity", "true"));
    }

    /**
     * Deletes the data directories of earlier test runs that are over: their lock is free and no server runs on
     * them. Each run makes its own (run-PID) and the server's files stay behind when the run ends.
     */
    private static Path reachable(Path data) {
        try {
            return LocalPostgres.reachableDataDirectory(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeFinishedRuns(Path base) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (var runs = Files.list(base)) {
            for (Path dir : runs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("run-")).toList()) {
                Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
                if (Files.exists(dir.resolve("postmaster.pid"))) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    if (lock == null) {
                        continue;
                    }
                    try {
                        LocalPostgres.deleteRecursively(dir);
                        Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".passwords"));
                    } finally {
                        lock.release();
                    }
                } catch (OverlappingFileLockException e) {
                    continue;
                }
                Files.deleteIfExists(lockFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not clear finished test runs in " + base, e);
        }
    }

    public static String url() {
        return server().jdbcUrl(EmbeddedPostgresAutoConfiguration.DATABASE);
    }

    /** A data source for the app's login role: what every request uses. */
    public static PGSimpleDataSource appDataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url());
        ds.setUser(EmbeddedPostgresAutoConfiguration.APP_ROLE);
        ds.setPassword(server().password(EmbeddedPostgresAutoConfiguration.APP_ROLE));
        ds.setReadOnlyMode("ignore");
        return ds;
    }

    public static Connection connectAsApp() throws SQLException {
        return server().connect(EmbeddedPostgresAutoConfiguration.DATABASE, EmbeddedPostgresAutoConfiguration.APP_ROLE);
    }

    /** The migrator, the role migrations log in as. */
    public static Connection connectAsMigrator() throws SQLException {
        return server().connect(EmbeddedPostgresAutoConfiguration.DATABASE, EmbeddedPostgresAutoConfiguration.MIGRATOR_ROLE);
    }

    /**
     * The schema owner (which has no login: the migrator becomes it for the session), only for what migrations do
     * (DDL), e.g. registering a scratch table for upkeep.
     */
    public static Connection connectAsOwner() throws SQLException {
        return connectAsMigratorBecoming(EmbeddedPostgresAutoConfiguration.OWNER_ROLE);
    }

    /**
     * The definer role (no login: the migrator becomes it for the session), for what only definer-owned functions
     * that the app may not call do, e.g. issuing a bill at a chosen moment.
     */
    public static Connection connectAsDefiner() throws SQLException {
        return connectAsMigratorBecoming("careledger_definer");
    }

    private static Connection connectAsMigratorBecoming(String role) throws SQLException {
        Connection c = connectAsMigrator();
        try (var st = c.createStatement()) {
            st.execute("set role " + role);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Superuser, for catalog inspection only. */
    public static Connection connectAsSuperuser() throws SQLException {
        return server().connectAsSuperuser(EmbeddedPostgresAutoConfiguration.DATABASE);
    }
}
