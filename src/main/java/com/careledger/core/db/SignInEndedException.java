package com.careledger.core.db;

import java.sql.SQLException;

import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The database refused to enter the user: the session's token was revoked or has expired, or the user or their
 * facility was suspended. Nothing ran; the portal signs the user out.
 */
public class SignInEndedException extends CannotCreateTransactionException {

    public SignInEndedException(SQLException cause) {
        super("The sign-in has ended: sign in again", cause);
    }
}
