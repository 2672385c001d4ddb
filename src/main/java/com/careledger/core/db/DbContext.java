package com.careledger.core.db;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.careledger.core.security.CareLedgerUser;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who a database transaction runs for: the values of {@code app.user_id} and {@code app.current_tenant}, and the
 * proof the database demands before it enters the user ({@code app.set_current_user}).
 *
 * <p>On a request thread it comes from the signed-in user, whose proof is the token of the session
 * {@code app.sign_in} opened. Work off the request thread (a scheduler, {@code UI.access} from a background thread)
 * carries its context explicitly with {@link #callAs}, so it never borrows another request's context; a system
 * principal's proof is the job runner's secret ({@link SystemSecret}). No user means no context, and no tenant rows
 * are visible.
 *
 * @param userId    the signed-in user, or null
 * @param tenantId  the facility the user works in, or null (a super admin who has entered none)
 * @param proof     the session token or the job runner's secret; null with no user
 */
public record DbContext(@Nullable UUID userId, @Nullable UUID tenantId, @Nullable String proof) {

    public static final DbContext NONE = new DbContext(null, null, null);

    private static final ThreadLocal<DbContext> EXPLICIT = new ThreadLocal<>();

    /** The context of the current thread: explicit if set, else the signed-in user, else none. */
    public static DbContext current() {
        DbContext explicit = EXPLICIT.get();
        if (explicit != null) {
            return explicit;
        }
        return signedInUser().map(DbContext::of).orElse(NONE);
    }

    public static DbContext of(CareLedgerUser user) {
        return new DbContext(user.id(), user.facilityId(), user.sessionToken());
    }

    /** Never prints the proof. */
    @Override
    public String toString() {
        return "DbContext[user=" + userId + ", tenant=" + tenantId + "]";
    }

    /** Runs work (which opens its own transactions) for the given context on this thread. */
    public static <T> T callAs(DbContext context, Callable<T> work) throws Exception {
        DbContext previous = EXPLICIT.get();
        EXPLICIT.set(context);
        try {
            return work.call();
        } finally {
            if (previous == null) {
                EXPLICIT.remove();
            } else {
                EXPLICIT.set(previous);
            }
        }
    }

    /** {@link #callAs} for work that throws no checked exception. */
    public static <T> T callAsUnchecked(DbContext context, java.util.function.Supplier<T> work) {
        try {
            return callAs(context, work::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #callAs} for work without a result. */
    public static void runAs(DbContext context, Runnable work) {
        callAsUnchecked(context, () -> {
            work.run();
            return null;
        });
    }

    private static Optional<CareLedgerUser> signedInUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof CareLedgerUser user ? Optional.of(user) : Optional.empty();
    }
}
