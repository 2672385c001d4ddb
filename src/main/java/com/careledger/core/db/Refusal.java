package com.careledger.core.db;

import java.sql.SQLException;
import java.util.function.Supplier;

import org.jooq.exception.DataAccessException;

/**
 * The database said no: a rule (a check, a definer function's own test of the caller, a missing row) refused a
 * call, and nothing was written. The message is the database's own, written for the person at the screen
 * ("cash of 600000 paise is more than the 500000 paise outstanding on bill SMH/26-27/000001: collect at most that
 * and give change"); the kind says what went wrong, so a screen can choose how to show it.
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
         * Not this moment: the same records were being changed by someone else at the same time, and running it again
         * did not get through either (40001, 40P01 after {@link ConflictRetry}'s attempts). Nothing was written.
         */
        BUSY,
        /** The input breaks a rule (23514, 23502, 22xxx and anything else). */
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

    /** Runs a database call and turns a refusal by the database into a {@link Refusal} with its message. */
    public static <T> T translate(Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException e) {
            throw of(e);
        }
    }

    /** A transaction the database kept aborting because others changed the same rows at the same time. */
    static Refusal busy(String sqlState, Throwable cause) {
        return new Refusal(Kind.BUSY, sqlState, BUSY_MESSAGE, cause);
    }

    static final String BUSY_MESSAGE =
            "the same records were being changed by someone else at the same moment and nothing was saved: try again";

    public static Refusal of(DataAccessException e) {
        SQLException sql = e.getCause(SQLException.class);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        String message = sql == null ? e.getMessage() : serverMessage(sql);
        Kind kind = switch (state) {
            case "42501" -> Kind.NOT_ALLOWED;
            case "P0002", "02000" -> Kind.NOT_FOUND;
            case "23505" -> Kind.CONFLICT;
            case "55000" -> Kind.WRONG_STATE;
            case "40001", "40P01" -> Kind.BUSY;
            default -> Kind.INVALID;
        };
        if (kind == Kind.BUSY) {
            return busy(state, e);
        }
        return new Refusal(kind, state, message == null ? "the database refused the call" : message, e);
    }

    /** The text of the server's error, without the driver's "ERROR:" prefix and "Where:" context. */
    private static String serverMessage(SQLException e) {
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return e.getMessage();
    }
}
