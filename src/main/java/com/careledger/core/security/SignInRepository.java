package com.careledger.core.security;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import java.time.Duration;
import java.util.UUID;

import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sign-in and sign-out, decided by the database: {@code app.sign_in} throttles, checks the password with
 * {@code crypt()} and opens a session whose token it returns; no hash ever reaches the portal. There is no context
 * before sign-in: the transaction runs for nobody.
 */
@Repository
@Transactional
public class SignInRepository {

    /** What a sign-in attempt came to. */
    public sealed interface Outcome {
    }

    public record SignedIn(CareLedgerUser user) implements Outcome {
    }

    public record BadCredentials() implements Outcome {
    }

    public record Throttled(Duration retryAfter) implements Outcome {
    }

    public record Disabled() implements Outcome {
    }

    private final DSLContext db;

    SignInRepository(DSLContext db) {
        this.db = db;
    }

    public Outcome signIn(String email, String password, String clientAddress) {
        var r = db.select(field(name("s", "outcome"), String.class),
                        field(name("s", "user_id"), UUID.class),
                        field(name("s", "email"), String.class),
                        field(name("s", "display_name"), String.class),
                        field(name("s", "role"), String.class),
                        field(name("s", "facility_id"), UUID.class),
                        field(name("s", "token"), String.class),
                        field(name("s", "retry_after_seconds"), Integer.class))
                .from("app.sign_in(?, ?, ?) as s", email, password, clientAddress)
                .fetchSingle();
        return switch (r.value1()) {
            case "signed_in" -> new SignedIn(new CareLedgerUser(r.value2(), r.value3(), r.value4(),
                    CareLedgerUser.Role.of(r.value5()), r.value6(), r.value7()));
            case "throttled" -> new Throttled(Duration.ofSeconds(r.value8() == null ? 60 : r.value8()));
            case "disabled" -> new Disabled();
            default -> new BadCredentials();
        };
    }

    /** Ends the session of a token; an unknown or ended one changes nothing. */
    public void signOut(@Nullable String token) {
        if (token != null) {
            db.execute("select app.sign_out(?)", token);
        }
    }
}
