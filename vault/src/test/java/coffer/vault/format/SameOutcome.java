package coffer.vault.format;

import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Compares a document's read by databind with its read by {@link CanonicalJson} and the fallback. */
public final class SameOutcome {
    private SameOutcome() {
    }

    /** Both give equal values, or both throw an exception of the same class with the same message. */
    public static void assertSameOutcome(Callable<Object> databind, Callable<Object> read, String what) {
        Object expected = null, actual = null;
        Exception expectedThrown = null, actualThrown = null;
        try {
            expected = databind.call();
        } catch (Exception x) {
            expectedThrown = x;
        }
        try {
            actual = read.call();
        } catch (Exception x) {
            actualThrown = x;
        }
        if (expectedThrown == null) {
            Exception thrown = actualThrown;
            assertNull(thrown, () -> what + ": databind read it, the new read threw " + thrown);
            assertEquals(expected, actual, what);
        } else {
            assertNotNull(actualThrown, what + ": databind refused it (" + expectedThrown + "), the new read took it");
            assertEquals(expectedThrown.getClass(), actualThrown.getClass(), what);
            assertEquals(expectedThrown.getMessage(), actualThrown.getMessage(), what);
        }
    }
}
