package coffer.engine.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaggerTest {

    @ParameterizedTest
    @CsvSource({
            // plan id, interval, offset with the default 10-minute window: SHA-256 of the id, first 8 bytes
            // unsigned, mod 600 s (checked independently with Python hashlib; a change would move every plan)
            "plan-1, PT1H, PT1M5S",
            "plan-2, PT1H, PT1M41S",
            "web-1,  P1D,  PT8M43S",
            "plan-1, PT1H, PT1M5S"})
    void offsetIsAFixedFunctionOfThePlanId(String planId, String interval, Duration expected) {
        assertEquals(expected, Stagger.DEFAULT.offset(planId, Interval.parse("interval", interval)));
    }

    @Test
    void offsetsStayInsideTheWindowAndAQuarterOfTheInterval() {
        Interval hourly = Interval.hours(1);
        Stagger wide = new Stagger(Duration.ofHours(2));
        for (int i = 0; i < 2_000; i++) {
            Duration offset = wide.offset("plan-" + i, hourly);
            assertTrue(!offset.isNegative() && offset.compareTo(Duration.ofMinutes(15)) < 0, offset.toString());
            Duration small = Stagger.DEFAULT.offset("plan-" + i, Interval.days(1));
            assertTrue(small.compareTo(Duration.ofMinutes(10)) < 0, small.toString());
        }
    }

    @Test
    void hundredPlansWithOneStartStartInManyDifferentSeconds() {
        Set<Duration> offsets = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            offsets.add(Stagger.DEFAULT.offset("instance-" + i + "-plan", Interval.days(1)));
        }
        assertTrue(offsets.size() >= 90, "only " + offsets.size() + " distinct offsets of 100");
    }

    @Test
    void noStaggerMeansNoOffset() {
        assertEquals(Duration.ZERO, Stagger.NONE.offset("plan-1", Interval.hours(1)));
    }
}
