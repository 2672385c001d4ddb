package com.careledger.core.security;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import java.time.Duration;

import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The self-service half of the account flow, decided by the database (none of it needs a sign-in):
 * asking for a password-reset link ({@code app.request_password_reset}), a patient signing up
 * ({@code app.sign_up_patient}), and setting a password with a mailed link ({@code app.redeem_account_link}). The
 * first two answer alike whether the address has an account or not; the messages themselves are made and sent by
 * {@code core.notification.NotificationSender}.
 */
@Repository
@Transactional
public class AccountRepository {

    /** What a request for a link came to. */
    public sealed interface RequestOutcome {
    }

    /** Queued (or nothing to send, which looks the same). */
    public record Accepted() implements RequestOutcome {
    }

    public record InvalidEmail() implements RequestOutcome {
    }

    public record InvalidName() implements RequestOutcome {
    }

    /** Too many requests for this address or from this client; try again after {@code retryAfter}. */
    public record TooManyRequests(Duration retryAfter) implements RequestOutcome {
    }

    /** What setting a password with a link came to. */
    public sealed interface RedeemOutcome {
    }

    public record PasswordSet(String email) implements RedeemOutcome {
    }

    /** Unknown, used, replaced by a newer link, or expired: alike. */
    public record InvalidLink() implements RedeemOutcome {
    }

    public record WeakPassword(String problem) implements RedeemOutcome {
    }

    public record Throttled(Duration retryAfter) implements RedeemOutcome {
    }

    private final DSLContext db;

    AccountRepository(DSLContext db) {
        this.db = db;
    }

    public RequestOutcome requestPasswordReset(String email, String clientAddress) {
        return request("app.request_password_reset(?, ?) as r", email, clientAddress);
    }

    public RequestOutcome signUpPatient(String email, String displayName, String clientAddress) {
        return request("app.sign_up_patient(?, ?, ?) as r", email, displayName, clientAddress);
    }

    public RedeemOutcome redeem(String token, String newPassword, String clientAddress) {
        var r = db.select(field(name("r", "outcome"), String.class),
                        field(name("r", "problem"), String.class),
                        field(name("r", "retry_after_seconds"), Integer.class),
                        field(name("r", "email"), String.class))
                .from("app.redeem_account_link(?, ?, ?) as r", token, newPassword, clientAddress)
                .fetchSingle();
        return switch (r.value1()) {
            case "password_set" -> new PasswordSet(r.value4());
            case "weak_password" -> new WeakPassword(r.value2());
            case "throttled" -> new Throttled(seconds(r.value3()));
            default -> new InvalidLink();
        };
    }

    private RequestOutcome request(String from, Object... params) {
        Record2<String, Integer> r = db.select(field(name("r", "outcome"), String.class),
                        field(name("r", "retry_after_seconds"), Integer.class))
                .from(from, params)
                .fetchSingle();
        return switch (r.value1()) {
            case "invalid_email" -> new InvalidEmail();
            case "invalid_name" -> new InvalidName();
            case "throttled" -> new TooManyRequests(seconds(r.value2()));
            default -> new Accepted();
        };
    }

    private static Duration seconds(@Nullable Integer seconds) {
        return Duration.ofSeconds(seconds == null ? 60 : seconds);
    }
}
