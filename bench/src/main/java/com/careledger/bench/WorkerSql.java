package com.careledger.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A generator worker's connection (the app role, one transaction per facility-day) and what the writers of a
 * facility do on it: statements with parameters, timed for the profile; arrays; the role and the signed request
 * context of the transaction; optional steps in a savepoint.
 */
final class WorkerSql {

    private final Connection c;
    private final SkippedSteps skipped;

    WorkerSql(Connection c, SkippedSteps skipped) {
        this.c = c;
        this.skipped = skipped;
    }

    Connection connection() {
        return c;
    }

    /** Sets the signed request context of the connection's transaction (timed as "set context"). */
    static void context(Connection c, UUID user, UUID tenant) throws SQLException {
        long t = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("select app.set_current_user(?, ?), app.set_current_tenant(?)")) {
            ps.setObject(1, user, Types.OTHER);
            ps.setString(2, BenchProofs.proof(c, user));
            ps.setObject(3, tenant, Types.OTHER);
            ps.execute();
        }
        StatementProfile.time("set context", t);
    }

    void context(UUID user, UUID tenant) throws SQLException {
        context(c, user, tenant);
    }

    /** {@code set local role}: until the transaction ends. */
    void role(String role) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("set local role " + role);
        }
    }

    void exec(String sql, Object... params) throws SQLException {
        long t = System.nanoTime();
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.execute();
        }
        StatementProfile.time(sql, t);
    }

    List<UUID> uuids(String sql, Object... params) throws SQLException {
        long t = System.nanoTime();
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
        }
        StatementProfile.time(sql, t);
        return out;
    }

    PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            if (params[i] == null) {
                ps.setNull(i + 1, Types.OTHER);
            } else {
                ps.setObject(i + 1, params[i]);
            }
        }
        return ps;
    }

    /** Calls an optional money function in a savepoint; a refusal is noted and skipped. */
    boolean optional(String step, String sql, Object... params) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            exec(sql, params);
            c.releaseSavepoint(sp);
            return true;
        } catch (SQLException e) {
            c.rollback(sp);
            skipped.add(step, step, e.getMessage());
            return false;
        }
    }

    Array uuidArray(Object[] values) throws SQLException {
        return c.createArrayOf("uuid", values);
    }

    Array textArray(Object[] values) throws SQLException {
        return c.createArrayOf("text", values);
    }

    Array longArray(Long[] values) throws SQLException {
        return c.createArrayOf("int8", values);
    }
}
