package com.careledger.core.security;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/** Sign-in refused without checking the password: too many recent failures. */
public class LoginThrottledException extends AuthenticationException {

    private final Duration retryAfter;

    public LoginThrottledException(Duration retryAfter) {
        super("Too many failed sign-ins; try again in " + Math.max(1, (retryAfter.toSeconds() + 59) / 60) + " min");
        this.retryAfter = retryAfter;
    }

    /** Whole minutes until the next attempt is accepted, at least 1. */
    public long retryAfterMinutes() {
        return Math.max(1, (retryAfter.toSeconds() + 59) / 60);
    }
}
