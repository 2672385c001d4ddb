package com.careledger.core.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing (OWASP ASVS 2.2.1), per account and per client address.
 *
 * <ul>
 *   <li>Account: after {@value #ACCOUNT_FREE_FAILURES} consecutive failures the account refuses sign-in
 *       for 1 minute, doubling with every further failure up to 15 minutes. A success resets it. The
 *       owner of the account is never locked out for good, and a guesser gets at most a few dozen tries
 *       an hour.</li>
 *   <li>Address: {@value #ADDRESS_MAX_FAILURES} failures from one address within 15 minutes (across any
 *       accounts) block that address for 15 minutes, against one client spraying many accounts.</li>
 * </ul>
 * Counters live in this node's memory: a restart forgets them, and several nodes each count their own
 * share; docs/architecture.md says when to move them to the database.
 */
@Component
public class LoginThrottle {

    static final int ACCOUNT_FREE_FAILURES = 5;
    static final int ADDRESS_MAX_FAILURES = 30;
    static final Duration ACCOUNT_FIRST_DELAY = Duration.ofMinutes(1);
    static final Duration ACCOUNT_MAX_DELAY = Duration.ofMinutes(15);
    static final Duration ADDRESS_WINDOW = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 100_000;

    private record Failures(int count, Instant first, Instant blockedUntil) {
    }

    private final Clock clock;
    private final Map<String, Failures> accounts = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    @Autowired
    public LoginThrottle() {
        this(Clock.systemUTC());
    }

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long sign-in stays refused for this account or address, if it is refused now. */
    public Optional<Duration> blockedFor(String account, String address) {
        Instant now = clock.instant();
        Instant until = later(blockedUntil(accounts.get(key(account)), now), blockedUntil(addresses.get(address), now));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    public void failed(String account, String address) {
        Instant now = clock.instant();
        prune(now);
        accounts.compute(key(account), (k, f) -> {
            int count = f == null ? 1 : f.count() + 1;
            Instant until = now;
            if (count >= ACCOUNT_FREE_FAILURES) {
                int doublings = Math.min(count - ACCOUNT_FREE_FAILURES, 10);
                Duration delay = ACCOUNT_FIRST_DELAY.multipliedBy(1L << doublings);
                until = now.plus(delay.compareTo(ACCOUNT_MAX_DELAY) > 0 ? ACCOUNT_MAX_DELAY : delay);
            }
            return new Failures(count, f == null ? now : f.first(), until);
        });
        addresses.compute(address, (k, f) -> {
            if (f == null || f.first().plus(ADDRESS_WINDOW).isBefore(now)) {
                return new Failures(1, now, now);
            }
            int count = f.count() + 1;
            return new Failures(count, f.first(), count >= ADDRESS_MAX_FAILURES ? now.plus(ADDRESS_WINDOW) : f.blockedUntil());
        });
    }

    public void succeeded(String account) {
        accounts.remove(key(account));
    }

    private static Instant blockedUntil(Failures f, Instant now) {
        return f == null ? now : f.blockedUntil();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String key(String account) {
        return account.strip().toLowerCase(Locale.ROOT);
    }

    /** Forget entries idle for longer than any block, so guessing random names cannot exhaust memory. */
    private void prune(Instant now) {
        if (accounts.size() + addresses.size() < MAX_TRACKED) {
            return;
        }
        Instant horizon = now.minus(ACCOUNT_MAX_DELAY).minus(ADDRESS_WINDOW);
        accounts.values().removeIf(f -> f.blockedUntil().isBefore(horizon));
        addresses.values().removeIf(f -> f.blockedUntil().isBefore(horizon) && f.first().isBefore(horizon));
    }
}
