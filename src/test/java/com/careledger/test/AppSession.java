package com.careledger.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One transaction as the app's role, rolled back on close: what a request sees. Set the context with
 * {@link #as}, the way the app's transaction manager does, or {@link #forge} it the way injected SQL would.
 */
public final class AppSession implements AutoCloseable {

    private static final String SET_CONTEXT = "select app.set_current_user(?), app.set_current_tenant(?)";

    private final Connection connection;

    private AppSession(Connection connection) {
        this.connection = connection;
    }

    public static AppSession open() throws SQLException {
        Connection c = TestDatabase.connectAsApp();
        c.setAutoCommit(false);
        return new AppSession(c);
    }

    public AppSession as(UUID user, UUID tenant) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SET_CONTEXT)) {
            ps.setObject(1, user, Types.OTHER);
            ps.setObject(2, tenant, Types.OTHER);
            ps.execute();
        }
        return this;
    }

    /** Sets a context variable directly, as injected SQL could. */
    public void forge(String setting, String value) throws SQLException {
        strings("select set_config(?, ?, true)", setting, value);
    }

    /** The first column of every row, as text; a failure leaves the transaction usable (savepoint). */
    public List<String> strings(String sql, Object... params) throws SQLException {
        var savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                connection.releaseSavepoint(savepoint);
                return out;
            }
        } catch (SQLException e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    public String string(String sql, Object... params) throws SQLException {
        List<String> all = strings(sql, params);
        if (all.size() != 1) {
            throw new IllegalStateException("expected one row, got " + all.size() + " from " + sql);
        }
        return all.getFirst();
    }

    public int count(String sqlFrom, Object... params) throws SQLException {
        return Integer.parseInt(string("select count(*) from " + sqlFrom, params));
    }

    /** Runs a statement; a failure leaves the transaction usable (savepoint). */
    public void execute(String sql, Object... params) throws SQLException {
        update(sql, params);
    }

    /** Runs a write and returns how many rows it touched; a failure leaves the transaction usable. */
    public int update(String sql, Object... params) throws SQLException {
        var savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
            int touched = Math.max(ps.getUpdateCount(), 0);
            connection.releaseSavepoint(savepoint);
            return touched;
        } catch (SQLException e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    public void commit() throws SQLException {
        connection.commit();
    }

    @Override
    public void close() throws SQLException {
        connection.rollback();
        connection.close();
    }
}
