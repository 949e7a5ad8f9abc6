package coffer.server.console;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignInThrottleTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    final SignInThrottle throttle = new SignInThrottle(clock);

    void fail(String client, int times) {
        for (int i = 0; i < times; i++) {
            throttle.check(client);
            throttle.failed(client);
            clock.advance(Duration.ofSeconds(10));
        }
    }

    @Test
    void aClientIsRefusedAfterFiveFailuresUntilTheOldestIsFiveMinutesOld() {
        fail("10.0.0.1", SignInThrottle.MAX_FAILURES);
        CofferException refused = assertThrows(CofferException.class, () -> throttle.check("10.0.0.1"));
        assertEquals(ErrorCode.SignInThrottled, refused.code());
        assertEquals(429, refused.code().httpStatus());
        // the first failure was at 10:00:00, the check is at 10:00:50: 250 s to wait, rounded up
        assertTrue(refused.getMessage().contains("5 failed sign-ins from 10.0.0.1 within 5 minutes")
                && refused.getMessage().contains("251 more second(s)"), refused.getMessage());
        assertEquals(251, throttle.retryAfterSeconds("10.0.0.1"));
        assertDoesNotThrow(() -> throttle.check("10.0.0.2"), "another client is not refused");

        clock.set(Instant.parse("2026-03-02T10:05:00Z")); // the first failure is 5 minutes old: four remain
        assertDoesNotThrow(() -> throttle.check("10.0.0.1"));
        throttle.failed("10.0.0.1");
        assertThrows(CofferException.class, () -> throttle.check("10.0.0.1"), "a fifth failure within the window again");
    }

    @Test
    void aSuccessfulSignInForgetsTheFailures() {
        fail("10.0.0.1", SignInThrottle.MAX_FAILURES - 1);
        throttle.succeeded("10.0.0.1");
        fail("10.0.0.1", SignInThrottle.MAX_FAILURES - 1);
        assertDoesNotThrow(() -> throttle.check("10.0.0.1"));
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.1"));
    }
}
