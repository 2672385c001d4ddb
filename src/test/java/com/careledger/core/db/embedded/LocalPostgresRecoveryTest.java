package com.careledger.core.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server survives the way developers stop apps: data stays across restarts, and after the
 * app is killed with kill -9 (its postmaster orphaned and still running, or gone with a stale
 * postmaster.pid) the next start works.
 */
class LocalPostgresRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void afterTheOwningProcessIsKilledTheNextStartStopsTheOrphanAndKeepsTheData() throws Exception {
        Path data = dir.resolve("data");
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), data.toString(), install().toString())
                .redirectErrorStream(true).start();
        int port;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                // the child logs while it starts; wait for its READY line
            }
            assertThat(line).as("child started a server").isNotNull();
            port = Integer.parseInt(line.substring("READY ".length()));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
                 Statement st = c.createStatement()) {
                st.execute("create table kept (note text); insert into kept values ('written before kill -9')");
            }
            app.destroyForcibly(); // SIGKILL: no shutdown hook runs
            app.waitFor();
        }
        long orphan = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("postmaster orphaned").contains(true);

        try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(note(pg)).isEqualTo("written before kill -9");
        }

        // a stale postmaster.pid naming a process that no longer exists
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(data.resolve("postmaster.pid"), gone.pid() + "\n" + data + "\n");
        try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
            assertThat(note(pg)).isEqualTo("written before kill -9");
        }
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedWhileTheFirstRuns() {
        Path data = dir.resolve("busy");
        try (LocalPostgres first = LocalPostgres.start(settings(data))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalPostgres.start(settings(data)))
                    .hasMessageContaining("Another running process uses the PostgreSQL data directory");
            assertThat(first.port()).isPositive();
        }
    }

    @Test
    void asRootWithoutUserNamespacesItRunsAsNobodyThroughSetpriv() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root needs a way around PostgreSQL's refusal to run as root");
        // nobody must be able to reach the data directory (JUnit makes its temporary folder private)
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("setpriv");
        System.setProperty("careledger.embedded-postgres.run-as", "setpriv");
        try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
            try (Connection c = pg.connectAsSuperuser("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select 1")) {
                assertThat(rs.next()).isTrue();
            }
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
            assertThat(Files.readString(Path.of("/proc", Long.toString(postmaster), "status")))
                    .containsPattern("(?m)^Uid:\\s+65534\\s");
        } finally {
            System.clearProperty("careledger.embedded-postgres.run-as");
        }
    }

    private static String note(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connectAsSuperuser("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select note from kept")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static LocalPostgres.Settings settings(Path data) {
        return new LocalPostgres.Settings(data, install(), 0, Map.of("fsync", "off"));
    }

    private static Path install() {
        return Path.of(System.getProperty("careledger.embedded-postgres.install-directory", "target/postgres"));
    }

    /** The "app" that gets killed: starts a server and reports its port. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            LocalPostgres pg = LocalPostgres.start(settings(Path.of(args[0]), Path.of(args[1])));
            System.out.println("READY " + pg.port());
            System.out.flush();
            Thread.currentThread().join(); // until killed
        }

        private static LocalPostgres.Settings settings(Path data, Path install) {
            return new LocalPostgres.Settings(data, install, 0, Map.of("fsync", "off"));
        }
    }
}
