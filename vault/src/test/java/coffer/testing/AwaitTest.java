package coffer.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwaitTest {
    @Test
    void returnsTheFirstValueFoundAfterLookingAgain() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        String found = Await.value(() -> looks.incrementAndGet() < 4 ? Optional.empty() : Optional.of("found"),
                Duration.ofMinutes(1), "the fourth look");
        assertEquals("found", found);
        assertEquals(4, looks.get());
    }

    @Test
    void aConditionThatNeverHoldsFailsNamingWhatWasAwaitedAndTheLimit() {
        AtomicInteger looks = new AtomicInteger();
        AssertionError failed = assertThrows(AssertionError.class,
                () -> Await.until(() -> looks.incrementAndGet() < 0, Duration.ZERO, () -> "a state seen " + looks.get() + " times"));
        assertEquals("timed out after PT0S waiting for: a state seen 1 times", failed.getMessage());
    }

    @Test
    void aConditionThatFailsEndsTheWaitAtOnce() {
        AssertionError wrong = new AssertionError("the job ended failed");
        assertSame(wrong, assertThrows(AssertionError.class, () -> Await.until(() -> {
            throw wrong;
        }, Duration.ofMinutes(1), "the job to succeed")));
        AssertionError io = assertThrows(AssertionError.class, () -> Await.until(() -> {
            throw new IOException("connection refused");
        }, Duration.ofMinutes(1), "the server to answer"));
        assertTrue(io.getMessage().startsWith("while waiting for: the server to answer: java.io.IOException"), io.getMessage());
        assertTrue(io.getCause() instanceof IOException);
    }
}
