package coffer.engine.policy;

import coffer.engine.policy.Verdict.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention as tables. Rules are written {@code for=7d latest=3 daily=7 weekly=4 monthly=12 yearly=2
 * zone=Europe/Berlin}; points as {@code 2024-01-01T00:00} (a policy point, UTC, its id is that text),
 * {@code m:2024-01-01T00:00>2024-01-03T00:00} (manual, expiring then), {@code …>never}, or a policy
 * point pinned by an extension {@code p:…>…}.
 */
class RetentionTest {

    @ParameterizedTest(name = "[{index}] {0} created {1} + {2}")
    @CsvSource(delimiter = ';', value = {
            // zone; created (UTC); keep for; expires (UTC)
            "UTC;              2024-01-31T10:00; 1m;     2024-02-29T10:00", // Jan 31 + 1 month, leap year: Feb 29
            "UTC;              2023-01-31T10:00; 1m;     2023-02-28T10:00", // not leap: Feb 28
            "UTC;              2024-03-31T10:00; 1m;     2024-04-30T10:00",
            "UTC;              2024-01-30T23:30; 1m;     2024-02-29T23:30",
            "Europe/Berlin;    2024-01-30T23:30; 1m;     2024-02-28T23:30", // Jan 31 00:30 local + 1 month = Feb 29 00:30 local
            "UTC;              2023-12-31T23:00; 2m;     2024-02-29T23:00",
            "UTC;              2024-02-29T10:00; 1y;     2025-02-28T10:00", // Feb 29 + 1 year
            "UTC;              2024-02-29T10:00; 12m;    2025-02-28T10:00",
            "UTC;              2024-02-29T10:00; 4y;     2028-02-29T10:00",
            "UTC;              2024-01-01T00:00; 2w;     2024-01-15T00:00",
            "UTC;              2024-01-01T00:00; 65536d; 2203-06-08T00:00", // the seed's maximum
            "Europe/Berlin;    2024-03-30T11:00; 1d;     2024-03-31T10:00", // 12:00 CET -> 12:00 CEST: 23 hours
            "Europe/Berlin;    2024-10-26T10:00; 1d;     2024-10-27T11:00", // 12:00 CEST -> 12:00 CET: 25 hours
            "Europe/Berlin;    2024-03-30T01:30; 1d;     2024-03-31T01:30", // 02:30 CET -> gap -> 03:30 CEST
            "America/New_York; 2024-03-09T17:00; 1w;     2024-03-16T16:00", // noon EST -> noon EDT
            "America/New_York; 2024-11-02T16:00; 1d;     2024-11-03T17:00"}) // noon EDT -> noon EST
    void keepForIsCalendarArithmeticInTheZone(ZoneId zone, String created, String period, String expires) {
        Retention rules = rules("for=" + period).inZone(zone);
        Verdict verdict = rules.evaluate(List.of(point(created)), at(created), false).getFirst();
        assertEquals(Optional.of(at(expires)), verdict.expiresAt());
        assertTrue(verdict.keptBy(Kind.KEEP_FOR));
        Verdict after = rules.evaluate(List.of(point(created)), at(expires), false).getFirst();
        assertFalse(after.kept(), "expired exactly at its expiry");
        Verdict before = rules.evaluate(List.of(point(created)), at(expires).minusSeconds(1), false).getFirst();
        assertTrue(before.kept(), "kept one second before");
    }

    @ParameterizedTest(name = "[{index}] {0} at {2}")
    @CsvSource(delimiter = ';', value = {
            // rules; points; now; protected instance; kept
            "for=7d; 2024-01-01T00:00 2024-01-05T00:00 2024-01-08T00:00; 2024-01-08T00:00:01; false; 2024-01-05T00:00 2024-01-08T00:00",
            "for=7d; 2024-01-01T00:00 2024-01-05T00:00 2024-01-08T00:00; 2024-01-07T23:59:59; false; 2024-01-01T00:00 2024-01-05T00:00 2024-01-08T00:00",
            // keep-latest keeps old points past their duration; the duration keeps more than keep-latest
            "for=1d latest=2; 2024-01-01T00:00 2024-01-02T00:00 2024-01-03T00:00 2024-01-04T00:00 2024-01-05T00:00; 2024-01-10T00:00; false; 2024-01-04T00:00 2024-01-05T00:00",
            "for=3d latest=1; 2024-01-01T00:00 2024-01-02T00:00 2024-01-03T00:00 2024-01-04T00:00 2024-01-05T00:00; 2024-01-05T12:00; false; 2024-01-03T00:00 2024-01-04T00:00 2024-01-05T00:00",
            "for=1d latest=0; 2024-01-01T00:00 2024-01-02T00:00; 2024-01-10T00:00; false; ''",
            // daily: first point of each day for 3 days
            "for=1d daily=3; 2024-01-01T08:00 2024-01-01T20:00 2024-01-02T09:00 2024-01-02T23:00 2024-01-03T10:00; 2024-01-04T01:00; false; 2024-01-02T09:00 2024-01-03T10:00",
            // weekly: weeks start on Monday; the Sunday 2024-01-14 point is not the first of a week
            "for=1d weekly=2; 2024-01-07T12:00 2024-01-08T00:00 2024-01-10T00:00 2024-01-14T23:00 2024-01-15T08:00; 2024-01-16T00:00; false; 2024-01-08T00:00 2024-01-15T08:00",
            // monthly: month buckets are local; 2024-01-31T23:00Z is 1 February in Berlin
            "for=1d monthly=2; 2024-01-31T23:00 2024-02-01T00:00 2024-02-29T12:00 2024-03-01T00:00; 2024-03-15T00:00; false; 2024-02-01T00:00 2024-03-01T00:00",
            "for=1d monthly=2 zone=Europe/Berlin; 2024-01-31T23:00 2024-02-01T00:00 2024-02-29T12:00 2024-03-01T00:00; 2024-03-15T00:00; false; 2024-01-31T23:00 2024-03-01T00:00",
            // monthly 1 keeps March's first point until 1 April, exactly
            "for=1d monthly=1; 2024-03-01T00:00 2024-03-31T00:00; 2024-03-31T23:59:59; false; 2024-03-01T00:00 2024-03-31T00:00",
            "for=1d monthly=1; 2024-03-01T00:00 2024-03-31T00:00; 2024-04-01T00:00; false; ''",
            // yearly, leap day is the year's first point
            "for=1d yearly=1; 2023-12-31T12:00 2024-02-29T00:00 2024-07-01T00:00; 2024-12-31T23:59:59; false; 2024-02-29T00:00",
            "for=1d yearly=2; 2023-12-31T12:00 2024-02-29T00:00 2024-07-01T00:00; 2024-12-31T23:59:59; false; 2023-12-31T12:00 2024-02-29T00:00",
            "for=1d yearly=1; 2023-12-31T12:00 2024-02-29T00:00 2024-07-01T00:00; 2025-01-01T00:00; false; ''",
            // DST spring, Berlin: 31 March has 23 hours. 22:30Z is 30 March 23:30 CET, 23:30Z is 31 March 00:30 CET;
            // "daily 2" keeps them until 1 April 00:00 CEST (2024-03-31T22:00Z) and 2 April 00:00 CEST (2024-04-01T22:00Z)
            "for=1d daily=2 zone=Europe/Berlin; 2024-03-30T22:30 2024-03-30T23:30; 2024-03-31T21:59:59; false; 2024-03-30T22:30 2024-03-30T23:30",
            "for=1d daily=2 zone=Europe/Berlin; 2024-03-30T22:30 2024-03-30T23:30; 2024-04-01T21:59:59; false; 2024-03-30T23:30",
            "for=1d daily=2 zone=Europe/Berlin; 2024-03-30T22:30 2024-03-30T23:30; 2024-04-01T22:00; false; ''",
            // DST autumn, Berlin: 27 October has 25 hours; 26 October's first point (00:30 CEST) is kept by "daily 2"
            // until 28 October 00:00 CET = 2024-10-27T23:00Z (not 48 hours after the day began)
            "for=1d daily=2 zone=Europe/Berlin; 2024-10-25T22:30; 2024-10-27T22:59:59; false; 2024-10-25T22:30",
            "for=1d daily=2 zone=Europe/Berlin; 2024-10-25T22:30; 2024-10-27T23:00; false; ''",
            // DST autumn, New York: 2 November 00:30 EDT, kept by "daily 2" until 4 November 00:00 EST = 05:00Z
            "for=1d daily=2 zone=America/New_York; 2024-11-02T04:30; 2024-11-04T04:59:59; false; 2024-11-02T04:30",
            "for=1d daily=2 zone=America/New_York; 2024-11-02T04:30; 2024-11-04T05:00; false; ''",
            // the same point in UTC belongs to 2 November too, but that day ends at midnight UTC
            "for=1d daily=2; 2024-11-02T04:30; 2024-11-04T00:00; false; ''",
            // keep-latest with calendar rules: the union
            "for=1d latest=1 weekly=1; 2024-01-08T00:00 2024-01-09T00:00 2024-01-10T00:00; 2024-01-14T00:00; false; 2024-01-08T00:00 2024-01-10T00:00",
            "for=1d latest=3 daily=7; 2024-01-01T00:00 2024-01-01T06:00 2024-01-01T12:00 2024-01-01T18:00 2024-01-02T00:00; 2024-01-05T00:00; false; 2024-01-01T00:00 2024-01-01T12:00 2024-01-01T18:00 2024-01-02T00:00",
            // manual points: their own expiry; not counted by keep-latest
            "for=1d latest=1; 2024-01-01T00:00 m:2024-01-02T00:00>2024-01-03T00:00; 2024-01-05T00:00; false; 2024-01-01T00:00",
            "for=1d latest=1; 2024-01-01T00:00 m:2024-01-02T00:00>2024-01-06T00:00; 2024-01-05T00:00; false; 2024-01-01T00:00 2024-01-02T00:00",
            "for=1d; m:2024-01-02T00:00>never; 2030-01-01T00:00; false; 2024-01-02T00:00",
            // an extension pins a policy point beyond its rules
            "for=1d; p:2024-01-01T00:00>2024-02-01T00:00 2024-01-02T00:00; 2024-01-20T00:00; false; 2024-01-01T00:00",
            "for=1d; p:2024-01-01T00:00>2024-02-01T00:00 2024-01-02T00:00; 2024-02-01T00:00; false; ''",
            // a pinned expiry never shortens what the rules keep
            "for=30d; p:2024-01-01T00:00>2024-01-05T00:00; 2024-01-20T00:00; false; 2024-01-01T00:00",
            // the newest point of a protected instance is its next backup's base: kept whatever its age
            "for=1d; 2024-01-01T00:00 2024-01-02T00:00; 2024-01-10T00:00; true; 2024-01-02T00:00",
            "for=1d; 2024-01-01T00:00 m:2024-01-03T00:00>2024-01-04T00:00; 2024-01-10T00:00; true; 2024-01-03T00:00",
            "for=1d; ''; 2024-01-10T00:00; true; ''"})
    void keepsWhatAnyRuleKeeps(String rules, String points, String now, boolean protectedInstance, String kept) {
        List<RetentionFacts> facts = Arrays.stream(points.split(" ")).filter(s -> !s.isEmpty())
                .map(RetentionTest::point).toList();
        List<Verdict> verdicts = rules(rules).evaluate(facts, at(now), protectedInstance);
        Set<String> actual = verdicts.stream().filter(Verdict::kept).map(Verdict::pointId)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = Arrays.stream(kept.split(" ")).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, actual, () -> verdicts.stream().map(v -> v.pointId() + " " + v.reasons())
                .collect(Collectors.joining("\n")));
    }

    @Test
    void verdictNamesTheRulesAndEveryExpiry() {
        Retention rules = rules("for=1d latest=2 monthly=12");
        List<RetentionFacts> points = List.of(point("2024-03-01T00:00"), point("2024-03-02T00:00"),
                point("2024-03-03T00:00"), point("2024-03-04T00:00"));
        List<Verdict> verdicts = rules.evaluate(points, at("2024-03-04T12:00"), false);

        Verdict first = verdicts.get(0);
        assertTrue(first.kept());
        assertEquals(List.of(Kind.CALENDAR), first.reasons().stream().map(Verdict.Reason::kind).toList());
        assertEquals("monthly 12 (first point of the month from 2024-03-01) until 2025-03-01T00:00:00Z",
                first.reasons().getFirst().toString());
        assertEquals(Optional.of(at("2025-03-01T00:00")), first.expiresAt());

        Verdict second = verdicts.get(1);
        assertFalse(second.kept());
        assertEquals(List.of(), second.reasons());
        assertEquals(Optional.of(at("2024-03-03T00:00")), second.expiresAt(), "when it expired");

        Verdict third = verdicts.get(2); // past keep-for, but the second newest
        assertEquals(List.of(Kind.KEEP_LATEST), third.reasons().stream().map(Verdict.Reason::kind).toList());
        assertEquals("keep latest 2 (newest #2)", third.reasons().getFirst().toString());
        assertTrue(third.openEnded());
        assertEquals(Optional.empty(), third.expiresAt(), "no fixed expiry while among the latest");
        assertEquals(Optional.of(at("2024-03-04T00:00")), third.timeLimit());

        Verdict fourth = verdicts.get(3);
        assertEquals(List.of(Kind.KEEP_FOR, Kind.KEEP_LATEST),
                fourth.reasons().stream().map(Verdict.Reason::kind).toList());
    }

    @Test
    void newestPointOfAProtectedInstanceSaysWhy() {
        Verdict only = rules("for=1d").evaluate(List.of(point("2024-01-01T00:00")), at("2024-02-01T00:00"), true)
                .getFirst();
        assertTrue(only.kept());
        assertEquals(List.of(Kind.NEWEST_OF_PROTECTED_INSTANCE),
                only.reasons().stream().map(Verdict.Reason::kind).toList());
    }

    @Test
    void verdictsComeInTheOrderOfThePointsGiven() {
        List<RetentionFacts> points = List.of(point("2024-01-03T00:00"), point("2024-01-01T00:00"),
                point("2024-01-02T00:00"));
        assertEquals(List.of("2024-01-03T00:00", "2024-01-01T00:00", "2024-01-02T00:00"),
                rules("for=1d").evaluate(points, at("2024-01-02T12:00"), false).stream().map(Verdict::pointId)
                        .toList());
    }

    @Test
    void refusesTwoPointsWithOneId() {
        assertThrows(IllegalArgumentException.class, () -> rules("for=1d").evaluate(
                List.of(point("2024-01-01T00:00"), point("2024-01-01T00:00")), at("2024-01-02T00:00"), false));
    }

    // ---- the little table language ----

    static Retention rules(String spec) {
        RetentionPeriod keepFor = null;
        int latest = 0;
        List<CalendarRule> calendar = new ArrayList<>();
        ZoneId zone = ZoneOffset.UTC;
        for (String part : spec.trim().split("\\s+")) {
            String[] kv = part.split("=");
            switch (kv[0]) {
                case "for" -> keepFor = period(kv[1]);
                case "latest" -> latest = Integer.parseInt(kv[1]);
                case "daily" -> calendar.add(CalendarRule.daily(Long.parseLong(kv[1])));
                case "weekly" -> calendar.add(CalendarRule.weekly(Long.parseLong(kv[1])));
                case "monthly" -> calendar.add(CalendarRule.monthly(Long.parseLong(kv[1])));
                case "yearly" -> calendar.add(CalendarRule.yearly(Long.parseLong(kv[1])));
                case "zone" -> zone = ZoneId.of(kv[1]);
                default -> throw new IllegalArgumentException(part);
            }
        }
        return new Retention(keepFor, latest, calendar, zone);
    }

    static RetentionPeriod period(String text) {
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 'd' -> RetentionPeriod.days(n);
            case 'w' -> RetentionPeriod.weeks(n);
            case 'm' -> RetentionPeriod.months(n);
            case 'y' -> RetentionPeriod.years(n);
            default -> throw new IllegalArgumentException(text);
        };
    }

    static RetentionFacts point(String token) {
        String[] parts = token.substring(token.indexOf(':') == 1 ? 2 : 0).split(">");
        String id = parts[0];
        if (token.startsWith("m:") || token.startsWith("p:")) {
            PointExpiry expiry = parts[1].equals("never") ? PointExpiry.never() : PointExpiry.at(at(parts[1]));
            return token.startsWith("m:") ? RetentionFacts.manual(id, at(id), expiry)
                    : RetentionFacts.policy(id, at(id)).withExpiry(expiry);
        }
        return RetentionFacts.policy(id, at(id));
    }

    static Instant at(String utc) {
        return LocalDateTime.parse(utc).toInstant(ZoneOffset.UTC);
    }
}
