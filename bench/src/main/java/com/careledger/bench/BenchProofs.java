package com.careledger.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.careledger.core.db.SystemSecret;

/**
 * The proof the benchmarks enter a user with ({@code app.set_current_user(user, proof)}), made the way the portal gets
 * it, with the run's privileged login (the app role cannot): a session token from {@code app.issue_session}, or for
 * a system principal the bench job runner's secret, whose digest is stored with {@code app.store_system_key}. Each
 * proof is minted once per database and user on its own committed connection, so the timed transactions only
 * present it.
 */
final class BenchProofs {

    static final String SYSTEM_SECRET = "bench-job-runner-secret-not-for-production-01";

    private static final Map<String, DataGenerator.Target> TARGETS = new ConcurrentHashMap<>();
    private static final Map<String, String> PROOFS = new ConcurrentHashMap<>();

    private BenchProofs() {
    }

    static void register(DataGenerator.Target target) {
        TARGETS.put(target.url(), target);
    }

    /** The proof for a user of the database the connection is on. */
    static String proof(Connection c, UUID user) throws SQLException {
        String url = c.getMetaData().getURL();
        DataGenerator.Target target = TARGETS.get(url);
        if (target == null) {
            throw new IllegalStateException("No benchmark target registered for " + url);
        }
        try {
            return PROOFS.computeIfAbsent(url + "/" + user, k -> mint(target, user));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    private static String mint(DataGenerator.Target target, UUID user) {
        try (Connection c = target.connect()) {
            try (PreparedStatement ps = c.prepareStatement("select app.store_system_key('bench', ?)")) {
                ps.setBytes(1, SystemSecret.digest(SYSTEM_SECRET));
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select u.role::text, case when u.role <> 'system' then app.issue_session(u.id, interval '1 day') end
                    from users u where u.id = ?""")) {
                ps.setObject(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException(new SQLException("no user " + user));
                    }
                    return "system".equals(rs.getString(1)) ? SYSTEM_SECRET : rs.getString(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
