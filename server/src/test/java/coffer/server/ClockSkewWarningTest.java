package coffer.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warning a server's start logs when its host clock is more than 5 s off the catalog database's, naming the skew
 * and its direction (docs/design/jobs.md, "Whose clock"); none within 5 s.
 */
class ClockSkewWarningTest {
    @Test
    void aSkewBeyondFiveSecondsIsNamedWithItsDirection() {
        String ahead = CofferServer.skewWarning(Duration.ofMillis(40_250));
        assertTrue(ahead.startsWith("this host's clock is 40.250 s ahead of the catalog database's"), ahead);
        String behind = CofferServer.skewWarning(Duration.ofSeconds(-12));
        assertTrue(behind.startsWith("this host's clock is 12.000 s behind the catalog database's"), behind);
        assertTrue(behind.contains("NTP"), behind);
    }

    @Test
    void aSkewWithinFiveSecondsIsNotWarnedOf() {
        assertNull(CofferServer.skewWarning(Duration.ZERO));
        assertNull(CofferServer.skewWarning(Duration.ofSeconds(5)));
        assertNull(CofferServer.skewWarning(Duration.ofSeconds(-5)));
        assertEquals(Duration.ofSeconds(5), CofferServer.SKEW_WARNING);
    }
}
