package coffer.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test hook of shortened periods: unset, each period is its default; set, the named ones change; malformed, refused. */
class TestPeriodsTest {
    private static final Duration THIRTY = Duration.ofSeconds(30);

    @AfterEach
    void unset() {
        System.clearProperty(TestPeriods.PROPERTY);
    }

    @Test
    void unsetEveryPeriodIsItsDefault() {
        System.clearProperty(TestPeriods.PROPERTY);
        if (System.getenv(TestPeriods.VARIABLE) == null) {
            assertEquals(THIRTY, TestPeriods.of(TestPeriods.TICK, THIRTY));
            assertEquals(THIRTY, TestPeriods.of(TestPeriods.STALE, THIRTY));
        }
    }

    @Test
    void theNamedPeriodsChangeAndTheOthersKeepTheirDefaults() {
        System.setProperty(TestPeriods.PROPERTY, "tick=2, exportSweep=1");
        assertEquals(Duration.ofSeconds(2), TestPeriods.of(TestPeriods.TICK, THIRTY));
        assertEquals(Duration.ofSeconds(1), TestPeriods.of(TestPeriods.EXPORT_SWEEP, THIRTY));
        assertEquals(THIRTY, TestPeriods.of(TestPeriods.STALE, THIRTY));
    }

    @Test
    void aMalformedHookIsRefusedNamingThePair() {
        for (String hook : new String[] {"tick", "tick=0", "tick=-1", "tick=2s", "tick=1.5"}) {
            System.setProperty(TestPeriods.PROPERTY, hook);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestPeriods.of(TestPeriods.TICK, THIRTY),
                    hook);
            assertTrue(e.getMessage().contains("'" + hook + "'"), e.getMessage());
        }
    }
}
