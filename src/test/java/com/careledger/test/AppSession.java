package com.careledger.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One transaction of the app's role, rolled back on close: what a request does, with its context set the way
 * {@code RlsTransactionManager} sets it ({@link #as}: with a proof {@link TestSessions} minted; a patient's context
 * also becomes the patient role), or
 * tampered with the way injected SQL could ({@link #forge}). Every statement runs in a savepoint, so the
 * transaction goes on after one that fails.
 */
public final class AppSession implements AutoCloseable {

    private static final String SET_CONTEXT =
            "select app.set_current_user(?, ?), app.set_current_tenant(?), app.current_user_role()::text";

    public static final String APP_ROLE = "careledger_app";
    public static final String PATIENT_ROLE = "careledger_patient";

    private final Connection connection;

    /** Whether the connection may become the definer role ({@link #openWithDefinerAccess}). */
    private final boolean definerAccess;

    /** The role the last {@link #as} chose: what {@link #asDefiner} returns to. */
    private String role = APP_ROLE;

    private AppSession(Connection connection, boolean definerAccess) {
        this.connection = connection;
        this.definerAccess = definerAccess;
    }

    public static AppSession open() throws SQLException {
        Connection c = TestDatabase.connectAsApp();
        c.setAutoCommit(false);
        return new AppSession(c, false);
    }

    /** An app session on a connection already in the app role with auto-commit off ({@link CommittedDatabase}). */
    static AppSession on(Connection connection) {
        return new AppSession(connection, false);
    }

    /** {@link #on} for a superuser connection that has become the app role ({@link CommittedDatabase}). */
    static AppSession onWithDefinerAccess(Connection connection) {
        return new AppSession(connection, true);
    }

    /**
     * An app session on a superuser connection that has become the app role, so that a test may also write, with
     * {@link #asDefiner}, rows only definer functions write (a new clerk's sign-in). Rolled back at close like any.
     */
    public static AppSession openWithDefinerAccess() throws SQLException {
        Connection c = TestDatabase.connectAsSuperuser();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("set local role careledger_app");
        }
        return new AppSession(c, true);
    }

    /** Whether {@link #asDefiner} may be used (a session from {@link #openWithDefinerAccess}). */
    public boolean hasDefinerAccess() {
        return definerAccess;
    }

    /** Runs one write as the definer role (only in a session from {@link #openWithDefinerAccess}), then is the app role again. */
    public void asDefiner(String sql, Object... params) throws SQLException {
        inDefinerRole(() -> {
            execute(sql, params);
            return null;
        });
    }

    /** {@link #table} as the definer role (only in a session from {@link #openWithDefinerAccess}): what no app role may read. */
    public List<List<String>> definerTable(String sql, Object... params) throws SQLException {
        return inDefinerRole(() -> table(sql, params));
    }

    /**
     * A session token for a user, opened in this transaction as the definer role (only in a session from
     * {@link #openWithDefinerAccess}): what sign-in would open, also for a user this transaction made. Not kept: a
     * rollback ends it.
     */
    public String mintSession(UUID user) throws SQLException {
        return inDefinerRole(() -> TestSessions.mintIn(connection, user));
    }

    private <T> T inDefinerRole(Work<T> work) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("set local role careledger_definer");
            try {
                return work.run();
            } finally {
                st.execute("set local role " + role);
            }
        }
    }

    /**
     * Switches the context (user, facility or null) for the statements that follow, and the role with it as
     * {@code RlsTransactionManager} does: {@value #PATIENT_ROLE} for a patient, {@value #APP_ROLE} for anyone else
     * (set here explicitly, so a session may switch from a patient back to staff).
     */
    public AppSession as(@Nullable UUID user, @Nullable UUID tenant) throws SQLException {
        return as(user, user == null ? null : proofOf(user), tenant);
    }

    /** A kept proof for a committed user; in a session with definer access, one minted here for a user made here. */
    private String proofOf(UUID user) throws SQLException {
        String proof = TestSessions.proof(connection.getCatalog(), user);
        if (proof != null) {
            return proof;
        }
        if (definerAccess) {
            String minted = inDefinerRole(() -> exists(user) ? TestSessions.mintIn(connection, user) : null);
            if (minted != null) {
                return minted;
            }
        }
        return "no-such-user-" + UUID.randomUUID();
    }

    private boolean exists(UUID user) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select count(*) from users where id = ?")) {
            ps.setObject(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /** {@link #as(UUID, UUID)} with a proof of the test's choosing: a token it minted, or one that should fail. */
    public AppSession as(@Nullable UUID user, @Nullable String proof, @Nullable UUID tenant) throws SQLException {
        String userRole;
        try (PreparedStatement ps = connection.prepareStatement(SET_CONTEXT)) {
            ps.setObject(1, user, Types.OTHER);
            ps.setString(2, proof);
            ps.setObject(3, tenant, Types.OTHER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                userRole = rs.getString(3);
            }
        }
        role = "patient".equals(userRole) ? PATIENT_ROLE : APP_ROLE;
        try (Statement st = connection.createStatement()) {
            st.execute("set local role " + role);
        }
        return this;
    }

    /** The database role the statements run as now. */
    public String currentRole() throws SQLException {
        return string("select current_user");
    }

    /** Sets a context variable directly, as injected SQL could. */
    public void forge(String setting, String value) throws SQLException {
        strings("select set_config(?, ?, true)", setting, value);
    }

    /** The first column of every row, as text. */
    public List<String> strings(String sql, Object... params) throws SQLException {
        return inSavepoint(() -> {
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        });
    }

    public String string(String sql, Object... params) throws SQLException {
        List<String> rows = strings(sql, params);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row, got " + rows + " from " + sql);
        }
        return rows.getFirst();
    }

    /** The single number a {@code select count(*) ...} returns. */
    public long count(String sql, Object... params) throws SQLException {
        return Long.parseLong(string(sql, params));
    }

    public boolean bool(String sql, Object... params) throws SQLException {
        return "t".equals(string(sql, params));
    }

    /** How many rows a query returns. */
    public long countOf(String sql, Object... params) throws SQLException {
        return count("select count(*) from (" + sql + ") q", params);
    }

    /** Every row, every column as text. */
    public List<List<String>> table(String sql, Object... params) throws SQLException {
        return inSavepoint(() -> {
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
        });
    }

    /** How many rows {@code select count(*) from <fromClause>} sees. */
    public int rows(String fromClause, Object... params) throws SQLException {
        return Integer.parseInt(string("select count(*) from " + fromClause, params));
    }

    /** Runs a write and returns how many rows it touched. */
    public int update(String sql, Object... params) throws SQLException {
        return inSavepoint(() -> {
            try (PreparedStatement ps = prepare(sql, params)) {
                ps.execute();
                return Math.max(ps.getUpdateCount(), 0);
            }
        });
    }

    public void execute(String sql, Object... params) throws SQLException {
        update(sql, params);
    }

    /** Runs a statement that must fail and returns its error. */
    public Throwable failure(String sql, Object... params) throws SQLException {
        return sqlFailure(sql, params);
    }

    /** {@link #failure}, typed for a look at the SQLSTATE. */
    public SQLException sqlFailure(String sql, Object... params) throws SQLException {
        try {
            execute(sql, params);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected to fail: " + sql);
    }

    /** Today in India, as the database counts it. */
    public LocalDate istToday() throws SQLException {
        return LocalDate.parse(string("select app.ist_today()"));
    }

    /**
     * Books an appointment the way every writer must: with starts_on, the partition key, the IST date of starts_at.
     * Returns its id.
     */
    public UUID book(UUID facility, UUID patient, UUID service, @Nullable UUID staff, OffsetDateTime startsAt,
                     int minutes) throws SQLException {
        return UUID.fromString(string("""
                insert into appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at)
                values (?, (?::timestamptz at time zone 'Asia/Kolkata')::date, ?, ?, ?, ?::timestamptz,
                        ?::timestamptz + make_interval(mins => ?))
                returning id""", facility, startsAt, patient, service, staff, startsAt, startsAt, minutes));
    }

    public void commit() throws SQLException {
        connection.commit();
    }

    public Connection connection() {
        return connection;
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T inSavepoint(Work<T> work) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            T result = work.run();
            connection.releaseSavepoint(savepoint);
            return result;
        } catch (SQLException e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.OTHER);
            } else {
                ps.setObject(i + 1, p);
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
