package com.careledger.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.careledger.core.db.DbContext;
import com.careledger.core.db.SystemSecret;
import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;

import org.jspecify.annotations.Nullable;

/**
 * The proof a test enters a user with, made the way the portal gets it, by a fixture with the superuser's connection
 * (never by the app roles, which cannot): a session token from {@code app.issue_session} (what {@code app.sign_in}
 * opens after checking a password), or for a system principal the test job runner's secret {@link #SYSTEM_SECRET},
 * whose digest the fixture stores with {@code app.store_system_key} (what the migrate step does). Tokens are minted
 * once per database and user and kept for the JVM; a user that does not exist gets a proof that opens nothing.
 */
public final class TestSessions {

    /** The test job runner's secret: what the portal's jobs hold. */
    public static final String SYSTEM_SECRET = "test-job-runner-secret-not-for-production-0001";

    /** A system principal (partition upkeep), whose proof is the secret. */
    private static final UUID SYSTEM_PRINCIPAL = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private static final Map<String, String> PROOFS = new ConcurrentHashMap<>();
    private static final Set<String> KEYED_DATABASES = ConcurrentHashMap.newKeySet();

    private TestSessions() {
    }

    /** The portal's holder of the job runner's secret, holding the test one (its digest stored in the test database). */
    public static SystemSecret systemSecret() {
        proof(EmbeddedPostgresAutoConfiguration.DATABASE, SYSTEM_PRINCIPAL);
        return new SystemSecret(SYSTEM_SECRET);
    }

    /** A context of the test run's database ({@link TestDatabase}) for the Spring tests. */
    public static DbContext context(@Nullable UUID user, @Nullable UUID tenant) {
        return new DbContext(user, tenant, user == null ? null : proofOrNone(EmbeddedPostgresAutoConfiguration.DATABASE, user));
    }

    /** The proof for a committed user of a database of the test server, or one that opens nothing. */
    public static String proofOrNone(String database, UUID user) {
        String proof = proof(database, user);
        return proof != null ? proof : "no-such-user-" + UUID.randomUUID();
    }

    /** The proof for a user of a database of the test server; null (and nothing kept) if no such user is committed. */
    public static @Nullable String proof(String database, UUID user) {
        return PROOFS.computeIfAbsent(database + "/" + user, k -> mint(database, user));
    }

    /**
     * A session token minted in a transaction of a connection that may run {@code app.issue_session} (superuser, owner
     * or definer role): for a user that transaction made and has not committed. Not kept: it ends with a rollback.
     */
    public static String mintIn(Connection privileged, UUID user) throws SQLException {
        try (PreparedStatement ps = privileged.prepareStatement("select app.issue_session(?, interval '1 day')")) {
            ps.setObject(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static @Nullable String mint(String database, UUID user) {
        try (Connection c = TestDatabase.server().connectAsSuperuser(database)) {
            if (KEYED_DATABASES.add(database)) {
                try (PreparedStatement ps = c.prepareStatement("select app.store_system_key('tests', ?)")) {
                    ps.setBytes(1, SystemSecret.digest(SYSTEM_SECRET));
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select u.role::text, case when u.role <> 'system' then app.issue_session(u.id, interval '1 day') end
                    from users u where u.id = ?""")) {
                ps.setObject(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return "system".equals(rs.getString(1)) ? SYSTEM_SECRET : rs.getString(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not open a test session for " + user + " in " + database, e);
        }
    }

    /** A fresh session token for a user, not kept: for tests that end it. */
    public static String freshToken(String database, UUID user) throws SQLException {
        try (Connection c = TestDatabase.server().connectAsSuperuser(database)) {
            return mintIn(c, user);
        }
    }
}
