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
 * One transaction of the app's login role, rolled back on close: what a request sees under row-level
 * security. {@link #as} sets the request context the way {@code RlsTransactionManager} does; it may be
 * called again to act as someone else in the same transaction (rows written earlier stay visible to the
 * policies of the next context).
 */
public final class AppTransaction implements AutoCloseable {

    /** The statement of {@code RlsTransactionManager.SET_CONTEXT}. */
    private static final String SET_CONTEXT = "select app.set_current_user(?), app.set_current_tenant(?)";

    private final Connection connection;

    private AppTransaction(Connection connection) {
        this.connection = connection;
    }

    public static AppTransaction open() throws SQLException {
        Connection c = TestDatabase.connectAsApp();
        c.setAutoCommit(false);
        return new AppTransaction(c);
    }

    /** Acts as this user in this tenant (null: none). */
    public AppTransaction as(UUID user, UUID tenant) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SET_CONTEXT)) {
            ps.setObject(1, user, Types.OTHER);
            ps.setObject(2, tenant, Types.OTHER);
            ps.execute();
        }
        return this;
    }

    public Connection connection() {
        return connection;
    }

    /** The first column of every row, as text (null stays null). */
    public List<String> strings(String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        for (List<String> row : rows(sql, params)) {
            out.add(row.getFirst());
        }
        return out;
    }

    /** The one value of a one-row, one-column query. */
    public String string(String sql, Object... params) throws SQLException {
        List<String> values = strings(sql, params);
        if (values.size() != 1) {
            throw new IllegalStateException("expected one row, got " + values.size() + ": " + sql);
        }
        return values.getFirst();
    }

    public boolean bool(String sql, Object... params) throws SQLException {
        return "t".equals(string(sql, params));
    }

    public long count(String sql, Object... params) throws SQLException {
        return Long.parseLong(string("select count(*) from (" + sql + ") q", params));
    }

    /** Every row, every column as text. */
    public List<List<String>> rows(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /** Runs a statement; the number of rows it changed. */
    public int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** Runs a statement inside a savepoint, so that a statement expected to fail leaves the transaction usable. */
    public void attempt(String sql, Object... params) throws SQLException {
        var savepoint = connection.setSavepoint();
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.execute();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof UUID) {
                ps.setObject(i + 1, params[i], Types.OTHER);
            } else {
                ps.setObject(i + 1, params[i]);
            }
        }
        return ps;
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
