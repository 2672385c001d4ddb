package com.careledger.core.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL (development, tests, code generation) lets nobody in without a password and cannot be used
 * to reach the host as root: every role that can log in has a SCRAM-SHA-256 password, pg_hba.conf trusts no one, the
 * server listens on 127.0.0.1 only, and its processes run as an unprivileged user, so even its superuser's
 * {@code COPY ... FROM PROGRAM} cannot read a file only root may read. Checked on the test run's own server (the same
 * {@link LocalPostgres}), reading the catalog and the server's process as its superuser.
 */
class EmbeddedServerHardeningTest {

    private static final String DATABASE = EmbeddedPostgresAutoConfiguration.DATABASE;

    @Test
    void everyRoleThatCanLogInHasAScramPassword() throws SQLException {
        List<String> logins = strings("select rolname from pg_authid where rolcanlogin order by 1");
        assertThat(logins).contains("postgres", "careledger_migrator", "careledger_app")
                .doesNotContain("careledger_owner", "careledger_definer", "careledger_patient");
        assertThat(strings("""
                select rolname from pg_authid
                where rolcanlogin and coalesce(rolpassword, '') not like 'SCRAM-SHA-256$4096:%'""")).isEmpty();
    }

    @Test
    void pgHbaHasNoTrustLineAndAdmitsOnlyThisHostWithAPassword() throws SQLException {
        List<String> rules = strings("""
                select type || ' ' || array_to_string(database, ',') || ' ' || array_to_string(user_name, ',') || ' '
                       || coalesce(address || '/' || netmask, '-') || ' ' || auth_method || coalesce(' ' || error, '')
                from pg_hba_file_rules order by rule_number""");
        assertThat(rules).containsExactly(
                "local all all - scram-sha-256",
                "host all all 127.0.0.1/255.255.255.255 scram-sha-256");
        assertThat(strings("select line_number::text from pg_hba_file_rules where auth_method = 'trust'")).isEmpty();
    }

    @Test
    void theServerListensOnLocalhostOnlyAndHasNoSocketFile() throws SQLException {
        assertThat(strings("show listen_addresses")).containsExactly("127.0.0.1");
        assertThat(strings("show unix_socket_directories")).containsExactly("");
        assertThat(strings("show password_encryption")).containsExactly("scram-sha-256");
    }

    @Test
    void aConnectionWithoutItsPasswordIsRefused() {
        String url = TestDatabase.url();
        for (String role : List.of("careledger_app", "careledger_migrator", "postgres")) {
            assertThatThrownBy(() -> DriverManager.getConnection(url, role, "").close())
                    .as("%s without a password", role).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(url, role, "CareLedger#2026").close())
                    .as("%s with a guessed password", role).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        }
        // the owner has neither a login nor a password
        assertThatThrownBy(() -> DriverManager.getConnection(url, "careledger_owner", UUID.randomUUID().toString()).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void thePasswordFileIsReadableByItsOwnerOnlyAndHoldsEveryLogin() throws Exception {
        Path file = TestDatabase.server().passwordFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(((Number) Files.getAttribute(file, "unix:uid")).longValue()).isEqualTo(jvmUid());
        assertThat(file.getParent()).isEqualTo(TestDatabase.server().dataDirectory().getParent());
        assertThat(LocalPostgres.storedPassword(TestDatabase.server().dataDirectory(), "careledger_app"))
                .hasValueSatisfying(p -> assertThat(p).hasSize(43));
        for (String role : List.of("postgres", "careledger_migrator", "careledger_app")) {
            assertThat(LocalPostgres.storedPassword(TestDatabase.server().dataDirectory(), role)).as(role).isPresent();
        }
    }

    @Test
    void theServerProcessDoesNotRunAsRoot() throws Exception {
        String status = strings("select pg_read_file('/proc/self/status')").getFirst();
        int serverUid = Integer.parseInt(status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow()
                .split("\\s+")[1]);
        assertThat(serverUid).isNotZero();
        assertThat(programOutput("id -u")).containsExactly(Integer.toString(serverUid));
        // started by root it runs as nobody; started by anyone else, as that user
        if (jvmUid() == 0) {
            // through setpriv: uid and gid 65534, no supplementary groups, set-user-id programs give it nothing
            assertThat(serverUid).isEqualTo(65534);
            assertThat(status).containsPattern("(?m)^Gid:\\s+65534\\s").containsPattern("(?m)^Groups:\\s*$")
                    .containsPattern("(?m)^NoNewPrivs:\\s+1$");
        } else {
            assertThat((long) serverUid).isEqualTo(jvmUid());
        }
    }

    @Test
    void theSuperusersCopyFromProgramCannotReadAFileOnlyItsOwnerMayRead() throws Exception {
        Path folder = Files.createTempDirectory("careledger-secret");
        Path secret = folder.resolve("secret");
        try {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(secret, "the host's secret " + UUID.randomUUID(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(secret)).as("the test's own user reads it").startsWith("the host's secret");
            if (jvmUid() == 0) {
                // /etc/shadow, in effect: a root-only file the server process must not open
                assertThatThrownBy(() -> programOutput("cat " + secret)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("cat " + secret);
                assertThatThrownBy(() -> strings("select pg_read_file('" + secret + "')"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("Permission denied");
            } else {
                // a developer's server runs as the developer, whose files it could read anyway; it is not root
                assertThat(programOutput("id -u")).containsExactly(Long.toString(jvmUid()));
            }
        } finally {
            Files.deleteIfExists(secret);
            Files.deleteIfExists(folder);
        }
    }

    @Test
    void theServerInheritsNothingOfTheJvmsEnvironmentButPath() throws Exception {
        List<String> serverEnvironment = programOutput("env");
        assertThat(serverEnvironment).anyMatch(l -> l.startsWith("PATH="));
        for (Map.Entry<String, String> variable : System.getenv().entrySet()) {
            if (!variable.getKey().equals("PATH") && !variable.getValue().isEmpty()) {
                assertThat(serverEnvironment).as(variable.getKey()).doesNotContain(variable.getKey() + "=" + variable.getValue());
            }
        }
    }

    private static long jvmUid() throws Exception {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    /** What {@code command} prints when the server runs it for the superuser's COPY ... FROM PROGRAM. */
    private static List<String> programOutput(String command) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.execute("create temp table program_output (line text) on commit drop");
                st.execute("copy program_output from program '" + command.replace("'", "''") + "' with (format text, delimiter e'\\x01')");
                List<String> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("select line from program_output")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            } finally {
                c.rollback();
            }
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
