package coffer.engine.policy;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static coffer.engine.policy.RetentionTest.at;
import static coffer.engine.policy.RetentionTest.point;
import static coffer.engine.policy.RetentionTest.rules;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointDeletionTest {

    @ParameterizedTest(name = "[{index}] {1} immutable={2} at {3}")
    @CsvSource(delimiter = ';', value = {
            // rules; point; immutable; now; refused
            "for=7d;           2024-01-01T00:00;                    true;  2024-01-07T23:59:59; true",
            "for=7d;           2024-01-01T00:00;                    true;  2024-01-08T00:00;    false", // expired: deletable
            "for=7d;           2024-01-01T00:00;                    false; 2024-01-02T00:00;    false", // not immutable
            "for=1d monthly=3; 2024-01-01T00:00;                    true;  2024-03-31T00:00;    true",  // a calendar rule locks too
            "for=1d latest=5;  2024-01-01T00:00;                    true;  2024-01-05T00:00;    false", // keep-latest keeps, does not lock
            "for=1d;           p:2024-01-01T00:00>2024-06-01T00:00; true;  2024-05-31T00:00;    true",  // an extension locks
            "for=1d;           m:2024-01-01T00:00>never;            true;  2099-01-01T00:00;    true"}) // immutable and never expires
    void immutableUnexpiredPointsCannotBeDeleted(String rules, String point, boolean immutable, String now,
                                                 boolean refused) {
        RetentionFacts facts = immutable ? point(point).asImmutable() : point(point);
        Verdict verdict = rules(rules).evaluate(List.of(facts), at(now), false).getFirst();
        if (refused) {
            CofferException e = assertThrows(CofferException.class,
                    () -> PointDeletion.requireAllowed(facts, verdict, at(now)));
            assertEquals(ErrorCode.BackupPointImmutable, e.code());
            assertTrue(e.getMessage().startsWith("point " + facts.id() + " is immutable"), e.getMessage());
        } else {
            assertDoesNotThrow(() -> PointDeletion.requireAllowed(facts, verdict, at(now)));
        }
    }

    @Test
    void theRefusalSaysUntilWhen() {
        RetentionFacts facts = point("2024-01-01T00:00").asImmutable();
        Verdict verdict = rules("for=7d").evaluate(List.of(facts), at("2024-01-02T00:00"), false).getFirst();
        CofferException e = assertThrows(CofferException.class,
                () -> PointDeletion.requireAllowed(facts, verdict, at("2024-01-02T00:00")));
        assertEquals("point 2024-01-01T00:00 is immutable until it expires at 2024-01-08T00:00:00Z ([keep for 7 days "
                + "until 2024-01-08T00:00:00Z]); it can be deleted after that", e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {1} + {2} days at {3}")
    @CsvSource(delimiter = ';', value = {
            // rules; point; days; now; new expiry
            "for=7d;  2024-01-01T00:00;                    1;     2024-01-02T00:00; 2024-01-09T00:00", // from the current expiry
            "for=7d;  2024-01-01T00:00;                    30;    2024-01-02T00:00; 2024-02-07T00:00",
            "for=1m;  2024-01-31T00:00;                    1;     2024-02-01T00:00; 2024-03-01T00:00", // Feb 29 + 1 day
            "for=7d;  p:2024-01-01T00:00>2024-03-01T00:00; 10;    2024-01-02T00:00; 2024-03-11T00:00", // from the pinned expiry
            "for=1d;  2024-01-01T00:00;                    65535; 2024-01-01T12:00; 2203-06-08T00:00", // exactly the maximum
            "for=1d;  m:2024-01-01T00:00>2024-01-03T00:00; 2;     2024-01-02T00:00; 2024-01-05T00:00"})
    void extendsByWholeDays(String rules, String point, long days, String now, String expiry) {
        RetentionFacts facts = point(point);
        Verdict verdict = rules(rules).evaluate(List.of(facts), at(now), false).getFirst();
        assertEquals(PointExpiry.at(at(expiry)), PointExpiry.extend(facts, verdict, days, at(now)));
    }

    @ParameterizedTest(name = "[{index}] {1} + {2} days at {3}")
    @CsvSource(delimiter = ';', value = {
            "for=7d; 2024-01-01T00:00;         0;     2024-01-02T00:00; 0 days is out of range: 1 to 65536",
            "for=7d; 2024-01-01T00:00;         65537; 2024-01-02T00:00; 65537 days is out of range: 1 to 65536",
            "for=1d; 2024-01-01T00:00;         65536; 2024-01-01T12:00; would keep the point 65537 days after its creation; the maximum retention period is 65536 days",
            "for=1d; 2024-01-01T00:00;         3;     2024-01-10T00:00; gives 2024-01-05T00:00:00Z, which is already past",
            "for=1d; m:2024-01-01T00:00>never; 3;     2024-01-10T00:00; the point already never expires"})
    void refusesBadExtensions(String rules, String point, long days, String now, String message) {
        RetentionFacts facts = point(point);
        Verdict verdict = rules(rules).evaluate(List.of(facts), at(now), false).getFirst();
        CofferException e = assertThrows(CofferException.class,
                () -> PointExpiry.extend(facts, verdict, days, at(now)));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().startsWith("point " + facts.id() + " extension: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anExtendedPointIsKeptUntilItsNewExpiryThenExpires() {
        RetentionFacts facts = point("2024-01-01T00:00");
        Retention week = rules("for=7d");
        Instant now = at("2024-01-05T00:00");
        PointExpiry extended = PointExpiry.extend(facts, week.evaluate(List.of(facts), now, false).getFirst(), 3, now);
        RetentionFacts pinned = facts.withExpiry(extended);
        assertTrue(week.evaluate(List.of(pinned), at("2024-01-10T23:59:59"), false).getFirst().kept());
        assertEquals(false, week.evaluate(List.of(pinned), at("2024-01-11T00:00"), false).getFirst().kept());
    }
}
