package com.careledger.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock);

    @Test
    void anAccountIsPausedAfterFiveFailuresForOneMinuteThenLongerWithEveryFailure() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("asha@x.test", "10.0.0.1");
            assertThat(throttle.blockedFor("asha@x.test", "10.0.0.1")).isEmpty();
        }
        throttle.failed("asha@x.test", "10.0.0.1");
        assertThat(throttle.blockedFor("ASHA@x.test ", "10.0.0.2")).contains(Duration.ofMinutes(1));

        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.blockedFor("asha@x.test", "10.0.0.1")).isEmpty();
        throttle.failed("asha@x.test", "10.0.0.1");
        assertThat(throttle.blockedFor("asha@x.test", "10.0.0.1")).contains(Duration.ofMinutes(2));
    }

    @Test
    void theAccountPauseNeverExceedsFifteenMinutes() {
        for (int i = 0; i < 40; i++) {
            throttle.failed("asha@x.test", "10.0.0." + i);
        }
        assertThat(throttle.blockedFor("asha@x.test", "10.9.9.9")).contains(Duration.ofMinutes(15));
    }

    @Test
    void aSuccessResetsTheAccount() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("asha@x.test", "10.0.0.1");
        }
        throttle.succeeded("asha@x.test");
        throttle.failed("asha@x.test", "10.0.0.1");
        assertThat(throttle.blockedFor("asha@x.test", "10.0.0.1")).isEmpty();
    }

    @Test
    void oneAddressSprayingManyAccountsIsBlockedForFifteenMinutes() {
        for (int i = 0; i < LoginThrottle.ADDRESS_MAX_FAILURES - 1; i++) {
            throttle.failed("user" + i + "@x.test", "10.0.0.7");
        }
        assertThat(throttle.blockedFor("fresh@x.test", "10.0.0.7")).isEmpty();
        throttle.failed("last@x.test", "10.0.0.7");
        assertThat(throttle.blockedFor("fresh@x.test", "10.0.0.7")).contains(Duration.ofMinutes(15));
        assertThat(throttle.blockedFor("fresh@x.test", "10.0.0.8")).isEmpty();
    }

    @Test
    void addressFailuresOutsideTheWindowDoNotAddUp() {
        for (int i = 0; i < LoginThrottle.ADDRESS_MAX_FAILURES - 1; i++) {
            throttle.failed("user" + i + "@x.test", "10.0.0.7");
        }
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("late@x.test", "10.0.0.7");
        assertThat(throttle.blockedFor("fresh@x.test", "10.0.0.7")).isEmpty();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-27T04:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
