package coffer.engine.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RetentionHold#apply} as a table: six daily points kept for two days, judged on day 10 (only the newest is kept
 * by the rules), with holds of change alerts raised on various points.
 */
class RetentionHoldTest {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final Retention TWO_DAYS = Retention.keepFor(RetentionPeriod.days(2));

    private static List<RetentionFacts> points() {
        List<RetentionFacts> points = new ArrayList<>();
        for (int day = 0; day < 6; day++) {
            points.add(RetentionFacts.policy("p" + day, T0.plus(Duration.ofDays(day))));
        }
        return points;
    }

    /** holds: the days of the alerted points, "-" for none; kept: the points kept (by rules or hold). */
    @ParameterizedTest(name = "alerts on points of days {0} -> kept {1}")
    @CsvSource({
            "-,     p5",                  // no alert: the rules alone (the newest of a protected instance)
            "4,     p0 p1 p2 p3 p5",      // everything before the alerted point is held; the alerted one itself is not
            "0,     p5",                  // an alert on the first point holds nothing older
            "2 4,   p0 p1 p2 p3 p5",      // two alerts: the union of what each holds
            "5,     p0 p1 p2 p3 p4 p5",
    })
    void anAlertHoldsEveryPointMadeBeforeTheAlertedOne(String alerts, String kept) {
        List<RetentionFacts> points = points();
        List<RetentionHold> holds = new ArrayList<>();
        if (!alerts.strip().equals("-")) {
            for (String day : alerts.strip().split(" ")) {
                holds.add(new RetentionHold("a-" + day, T0.plus(Duration.ofDays(Long.parseLong(day))), "CHANGE_RATE"));
            }
        }
        Instant now = T0.plus(Duration.ofDays(10));
        List<Verdict> verdicts = RetentionHold.apply(TWO_DAYS.evaluate(points, now, true),
                points.stream().map(RetentionFacts::createdAt).toList(), holds);
        assertEquals(List.of(kept.strip().split(" ")), verdicts.stream().filter(Verdict::kept).map(Verdict::pointId).toList());
        for (Verdict v : verdicts) {
            if (v.kept() && !v.pointId().equals("p5")) {
                assertTrue(v.keptBy(Verdict.Kind.CHANGE_ALERT), v.toString());
                Verdict byRules = TWO_DAYS.evaluate(points, now, true).get(Integer.parseInt(v.pointId().substring(1)));
                assertEquals(byRules.timeLimit(), v.timeLimit(), "the rules' own limit is kept for when the hold ends");
                assertEquals(byRules.expiresAt(), v.expiresAt(), "the expiry shown stays the rules'");
            }
        }
    }

    @Test
    void aHoldAddsItsReasonToAPointTheRulesKeepAnyway() {
        List<RetentionFacts> points = points();
        Instant now = T0.plus(Duration.ofDays(5)).plusSeconds(60); // days 4 and 5 are within their two days
        List<Verdict> verdicts = RetentionHold.apply(TWO_DAYS.evaluate(points, now, true),
                points.stream().map(RetentionFacts::createdAt).toList(),
                List.of(new RetentionHold("a-9", T0.plus(Duration.ofDays(5)), "ENTROPY on point p5")));
        Verdict p4 = verdicts.get(4);
        assertTrue(p4.keptBy(Verdict.Kind.KEEP_FOR) && p4.keptBy(Verdict.Kind.CHANGE_ALERT), p4.toString());
        assertTrue(p4.reasons().getLast().rule().contains("a-9 (ENTROPY on point p5)"), p4.reasons().toString());
        assertThrows(IllegalArgumentException.class, () -> RetentionHold.apply(verdicts, List.of(T0), List.of()));
    }
}
