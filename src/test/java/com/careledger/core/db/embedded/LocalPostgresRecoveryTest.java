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

    /** As root the server runs as nobody, which must reach the data directory (JUnit makes its folder private). */
    @org.junit.jupiter.api.BeforeEach
    void openTheFolderToTheServer() throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

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
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                    LocalPostgres.storedPassword(data, LocalPostgres.SUPERUSER).orElseThrow());
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

    /**
     * A data directory made before the embedded server had passwords (initdb's trusting pg_hba.conf, no password
     * file, login roles without a password) is upgraded at its next start: the superuser's password is set before
     * the server listens, pg_hba.conf trusts no one, and every login role gets a password.
     */
    @Test
    void aDataDirectoryMadeBeforePasswordsGetsThemAtItsNextStart() throws Exception {
        Path data = dir.resolve("legacy");
        try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
            try (Connection c = pg.connectAsSuperuser("postgres"); Statement st = c.createStatement()) {
                st.execute("create role legacy_app login");
                st.execute("alter role postgres password null");
            }
        }
        Files.writeString(data.resolve("pg_hba.conf"),
                "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
        Files.delete(passwordFile(data));

        try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
            pg.prepareDatabase("legacy", "legacy_app", "select 1");
            assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
            assertThat(passwordFile(data)).exists();
            try (Connection c = pg.connectAsSuperuser("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         select string_agg(rolname, ' ' order by rolname) from pg_authid
                         where rolcanlogin and rolpassword like 'SCRAM-SHA-256$%'""")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("legacy_app postgres");
            }
            try (Connection c = pg.connect("postgres", "legacy_app")) {
                assertThat(c.isValid(5)).isTrue();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "").close())
                    .hasMessageContaining("password");
        }
    }

    /** As root the server runs as nobody: a data directory it cannot reach moves to root's folder in the temporary directory. */
    @Test
    void asRootADataDirectoryInAPrivateFolderMovesToOneTheServerCanReach() throws Exception {
        Path closed = Files.createDirectory(dir.resolve("closed"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path data = closed.resolve("data");
        if (((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0) {
            // the server's user (nobody) cannot enter the folder: the data goes to root's folder in the temporary directory
            try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
                assertThat(note(pg, "select current_user")).isEqualTo("postgres");
                assertThat(pg.dataDirectory()).isNotEqualTo(data)
                        .startsWith(Path.of(System.getProperty("java.io.tmpdir"), "careledger-postgres-data"));
                assertThat(pg.passwordFile()).exists();
            }
            assertThat(data).doesNotExist();
            try (LocalPostgres again = LocalPostgres.start(settings(data))) {
                assertThat(again.dataDirectory()).as("the same checkout finds its data again")
                        .isEqualTo(LocalPostgres.reachableDataDirectory(data));
            }
            LocalPostgres.deleteRecursively(LocalPostgres.reachableDataDirectory(data).getParent());
        } else {
            try (LocalPostgres pg = LocalPostgres.start(settings(data))) {
                assertThat(note(pg, "select current_user")).isEqualTo("postgres");
            }
        }
    }

    private static String note(LocalPostgres pg, String sql) throws Exception {
        try (Connection c = pg.connectAsSuperuser("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Path passwordFile(Path data) {
        return data.resolveSibling(data.getFileName() + ".passwords");
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
