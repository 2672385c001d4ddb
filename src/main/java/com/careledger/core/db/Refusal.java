package com.careledger.core.db;

import java.sql.SQLException;

import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jspecify.annotations.Nullable;

/**
 * The database said no: a rule (a check, a definer function's own test of the caller, a missing row) refused a
 * call, and nothing was written. The message is the database's own, written for the person at the screen
 * ("cash of 600000 paise is more than the 500000 paise outstanding on bill SMH/26-27/000001: collect at most that
 * and give change"); the kind says what went wrong, so a screen can choose how to show it.
 *
 * <p>Every jOOQ statement of the portal ends in a Refusal when the database refuses it: {@link #listener()} is
 * registered on the portal's jOOQ configuration ({@link DatabaseConfiguration}) and replaces the statement's exception.
 * A failure that is no refusal of the call (a lost connection, a statement the server cannot run, the server out of
 * resources) is left as it is: it is a fault, not an answer for the user. The refusal keeps its SQLSTATE and the
 * failure as its cause.
 */
public final class Refusal extends RuntimeException {

    /** What kind of no. */
    public enum Kind {
        /** The caller may not do this (SQLSTATE 42501). */
        NOT_ALLOWED,
        /** What was named does not exist for the caller (P0002, 02000). */
        NOT_FOUND,
        /** It was done already, or clashes with what was (23505). */
        CONFLICT,
        /** Not now: the thing is in the wrong state (55000). */
        WRONG_STATE,
        /**
         * Not this moment: the same records were being changed by someone else at the same time (40001, 40P01).
         * A {@link RetryOnConflict} call runs again first and ends in this only when {@link ConflictRetry}'s attempts
         * were all aborted; any other call (one that joined its caller's transaction included) gets it at once.
         * Nothing was written.
         */
        BUSY,
        /** The input breaks a rule (23514, 23502, the rest of classes 22 and 23, and P0001, a plain RAISE EXCEPTION). */
        INVALID
    }

    private final Kind kind;
    private final String sqlState;

    public Refusal(Kind kind, String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.sqlState = sqlState;
    }

    public Kind kind() {
        return kind;
    }

    public String sqlState() {
        return sqlState;
    }

    private static final ExecuteListener LISTENER = new ExecuteListener() {
        @Override
        public void exception(ExecuteContext ctx) {
            SQLException sql = ctx.sqlException();
            if (sql != null) {
                Refusal refusal = of(sql, ctx.exception() != null ? ctx.exception() : sql);
                if (refusal != null) {
                    ctx.exception(refusal);
                }
            }
        }
    };

    /**
     * The jOOQ listener that turns a statement's failure into a Refusal when the database refused it. It replaces the
     * exception the statement throws, so it must come after any other listener that sets one (Spring Boot's exception
     * translator). A {@code DSLContext} built by hand gets it with {@code configuration.set(Refusal.listener())}.
     */
    public static ExecuteListener listener() {
        return LISTENER;
    }

    /** A transaction the database kept aborting because others changed the same rows at the same time. */
    static Refusal busy(String sqlState, Throwable cause) {
        return new Refusal(Kind.BUSY, sqlState, BUSY_MESSAGE, cause);
    }

    static final String BUSY_MESSAGE =
            "the same records were being changed by someone else at the same moment and nothing was saved: try again";

    /** The refusal the database's error amounts to, or null when the error is not a refusal of the call. */
    static @Nullable Refusal of(SQLException failure, Throwable cause) {
        SQLException sql = failure;
        while (sql.getSQLState() == null && sql.getNextException() != null) {
            sql = sql.getNextException();
        }
        String state = sql.getSQLState();
        Kind kind = state == null ? null : kindOf(state);
        if (kind == null) {
            return null;
        }
        if (kind == Kind.BUSY) {
            return busy(state, cause);
        }
        String message = serverMessage(sql);
        return new Refusal(kind, state, message == null ? "the database refused the call" : message, cause);
    }

    /** The kind of refusal a SQLSTATE names, or null for a failure that is no refusal. */
    static @Nullable Kind kindOf(String state) {
        return switch (state) {
            case "42501" -> Kind.NOT_ALLOWED;
            case "P0002", "02000" -> Kind.NOT_FOUND;
            case "23505" -> Kind.CONFLICT;
            case "55000" -> Kind.WRONG_STATE;
            case "40001", "40P01" -> Kind.BUSY;
            default -> state.startsWith("22") || state.startsWith("23") || state.startsWith("P0") ? Kind.INVALID : null;
        };
    }

    /** The text of the server's error, without the driver's "ERROR:" prefix and "Where:" context. */
    private static @Nullable String serverMessage(SQLException e) {
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return e.getMessage();
    }
}
