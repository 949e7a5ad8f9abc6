package coffer.engine.policy;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.ReplicationRule.Encryption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTest {
    private static final Schedule DAILY = Schedule.parse("I|1631685600|P1D");
    private static final Retention WEEK = Retention.keepFor(RetentionPeriod.days(7));

    /** The fields of a policy, to vary one or several at a time. */
    record Fields(String name, Schedule schedule, Retention retention, ReplicationRule replication,
                  ArchiveRule archive) {
        Policy build() {
            return new Policy(name, schedule, retention, false, replication, archive);
        }
    }

    private static final Fields GOOD = new Fields("daily", DAILY, WEEK, ReplicationRule.OFF, ArchiveRule.OFF);

    @Test
    void aGoodPolicyIsBuilt() {
        Policy policy = new Policy("daily-web", DAILY,
                new Retention(RetentionPeriod.months(1), 3, List.of(CalendarRule.weekly(8), CalendarRule.monthly(12),
                        CalendarRule.yearly(3)), ZoneOffset.UTC),
                true, ReplicationRule.to("site-b", "vault-b", RetentionPeriod.years(1), new Encryption.Auto()),
                ArchiveRule.after(14));
        assertEquals("I|1631685600|P1D", policy.schedule().format());
        assertTrue(policy.immutable());
    }

    static Stream<Arguments> oneBadValue() {
        return Stream.of(
                bad(f -> new Fields("", f.schedule(), f.retention(), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "name: a policy name is required"),
                bad(f -> new Fields("x".repeat(65), f.schedule(), f.retention(), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "is 65 characters long; at most 64"),
                bad(f -> new Fields("a\tb", f.schedule(), f.retention(), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "name: 'a?b' contains control characters"),
                bad(f -> new Fields(f.name(), null, f.retention(), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "schedule: a schedule is required"),
                bad(f -> new Fields(f.name(), Schedule.of(Instant.ofEpochSecond(1631685600), Interval.days(0)),
                        f.retention(), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "schedule.interval: interval 0 days is out of range: 1 to 365 days"),
                bad(f -> new Fields(f.name(), Schedule.of(Instant.ofEpochSecond(1631685600, 5), Interval.days(1)),
                        f.retention(), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "schedule.start: 2021-09-15T06:00:00.000000005Z has a fraction"),
                bad(f -> new Fields(f.name(), f.schedule(), Retention.keepFor(RetentionPeriod.forever()),
                        f.replication(), f.archive()),
                        ErrorCode.PolicyHasPermanentRetention, "retention.keepFor: a never-expire retention cannot be "
                                + "applied to instance backup; set a finite retention (PolicyHasPermanentRetention)"),
                bad(f -> new Fields(f.name(), f.schedule(), Retention.keepFor(RetentionPeriod.days(0)),
                        f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "retention.keepFor: retention 0 days is out of range: 1 to 65536 days"),
                bad(f -> new Fields(f.name(), f.schedule(), Retention.keepFor(RetentionPeriod.days(65_537)),
                        f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "retention 65537 days is out of range: 1 to 65536 days"),
                bad(f -> new Fields(f.name(), f.schedule(), Retention.keepFor(RetentionPeriod.years(180)),
                        f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "retention 180 years is out of range: 1 to 179 years"),
                bad(f -> new Fields(f.name(), f.schedule(), Retention.keepFor(RetentionPeriod.months(2_149)),
                        f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "retention 2149 months is out of range: 1 to 2148 months"),
                bad(f -> new Fields(f.name(), f.schedule(), WEEK.withKeepLatest(-1), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "retention.keepLatest: keep-latest -1 is out of range: 0 (off) to 1000"),
                bad(f -> new Fields(f.name(), f.schedule(), WEEK.withKeepLatest(1_001), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "keep-latest 1001 is out of range"),
                bad(f -> new Fields(f.name(), f.schedule(), WEEK.withCalendar(CalendarRule.daily(0)), f.replication(),
                        f.archive()),
                        ErrorCode.InvalidArgument, "retention.calendar[0]: keep the first point of 0 days is out of range"),
                bad(f -> new Fields(f.name(), f.schedule(),
                        WEEK.withCalendar(CalendarRule.monthly(12), CalendarRule.monthly(6)), f.replication(), f.archive()),
                        ErrorCode.InvalidArgument, "retention.calendar[1]: a second months rule (monthly 6)"),
                bad(f -> new Fields(f.name(), f.schedule(), WEEK.inZone(ZoneId.of("Europe/Berlin")), f.replication(),
                        f.archive()),
                        ErrorCode.InvalidArgument, "retention.zone: Europe/Berlin differs from the schedule's zone Z"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to(null, "vault-b", RetentionPeriod.days(7), new Encryption.Auto()), f.archive()),
                        ErrorCode.NoDestinationRegion, "replication.destinationRegion: replication is on but no "
                                + "destination region is specified (NoDestinationRegion)"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to(" ", "vault-b", RetentionPeriod.days(7), new Encryption.Auto()), f.archive()),
                        ErrorCode.NoDestinationRegion, "no destination region is specified"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to("site b", "vault-b", RetentionPeriod.days(7), new Encryption.Auto()),
                        f.archive()),
                        ErrorCode.InvalidArgument, "replication.destinationRegion: 'site b' is not a name"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to("site-b", "", RetentionPeriod.days(7), new Encryption.Auto()), f.archive()),
                        ErrorCode.InvalidArgument, "replication.destinationVault: replication is on but no destination vault"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to("site-b", "vault-b", null, new Encryption.Auto()), f.archive()),
                        ErrorCode.InvalidArgument, "replication.retention: replication is on but its retention is not set"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to("site-b", "vault-b", RetentionPeriod.forever(), new Encryption.Auto()),
                        f.archive()),
                        ErrorCode.PolicyHasPermanentRetention, "replication.retention: a never-expire retention"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to("site-b", "vault-b", RetentionPeriod.days(7), null), f.archive()),
                        ErrorCode.InvalidArgument, "replication.encryption: choose AUTO or an assigned key id"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(),
                        ReplicationRule.to("site-b", "vault-b", RetentionPeriod.days(7),
                                new Encryption.AssignedKey("key with spaces")), f.archive()),
                        ErrorCode.InvalidArgument, "replication.encryption.keyId: 'key with spaces' is not a key id"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(), f.replication(), ArchiveRule.after(0)),
                        ErrorCode.InvalidArgument, "archive.afterDays: archive after 0 days is out of range: 1 to 65536"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(), f.replication(), ArchiveRule.after(7)),
                        ErrorCode.InvalidArgument, "archive.afterDays: archive after 7 days is not before the retention "
                                + "(7 days) ends"),
                bad(f -> new Fields(f.name(), f.schedule(), Retention.keepFor(RetentionPeriod.months(1)),
                        f.replication(), ArchiveRule.after(28)),
                        ErrorCode.InvalidArgument, "archive after 28 days is not before the retention (1 month) ends"),
                bad(f -> new Fields(f.name(), f.schedule(), f.retention(), null, null),
                        ErrorCode.InvalidArgument, "replication: a replication rule is required"));
    }

    private static Arguments bad(UnaryOperator<Fields> change, ErrorCode code, String message) {
        return Arguments.of(change.apply(GOOD), code, message);
    }

    @ParameterizedTest
    @MethodSource("oneBadValue")
    void refusesABadValueNamingTheFieldAndTheValue(Fields fields, ErrorCode code, String message) {
        CofferException e = assertThrows(CofferException.class, fields::build);
        assertEquals(code, e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void reportsEveryProblemAtOnceWithTheSeedsCodeFirst() {
        Fields fields = new Fields(" ", Schedule.of(Instant.ofEpochSecond(1631685600), Interval.hours(0)),
                new Retention(RetentionPeriod.days(7), -2, List.of(CalendarRule.daily(0)), ZoneOffset.UTC),
                ReplicationRule.to("", "v", RetentionPeriod.forever(), new Encryption.AssignedKey("")),
                ArchiveRule.after(70_000));
        CofferException e = assertThrows(CofferException.class, fields::build);
        assertEquals(ErrorCode.PolicyHasPermanentRetention, e.code());
        assertEquals("policy ' ' has 8 problems: "
                + "name: a policy name is required; "
                + "schedule.interval: interval 0 hours is out of range: 1 to 8760 hours; "
                + "retention.keepLatest: keep-latest -2 is out of range: 0 (off) to 1000; "
                + "retention.calendar[0]: keep the first point of 0 days is out of range: 1 to 65536; "
                + "replication.destinationRegion: replication is on but no destination region is specified "
                + "(NoDestinationRegion); "
                + "replication.retention: a never-expire retention cannot be applied to instance backup; set a "
                + "finite retention (PolicyHasPermanentRetention); "
                + "replication.encryption.keyId: '' is not a key id (1 to 128 letters, digits or . _ : / -); "
                + "archive.afterDays: archive after 70000 days is out of range: 1 to 65536", e.getMessage());
        assertEquals(8, Policy.problemsOf(fields.name(), fields.schedule(), fields.retention(), fields.replication(),
                fields.archive()).list().size());
    }

    @Test
    void noDestinationRegionWinsOverInvalidArguments() {
        Fields fields = new Fields("", DAILY, WEEK,
                ReplicationRule.to(null, null, RetentionPeriod.days(1), new Encryption.Auto()), ArchiveRule.OFF);
        CofferException e = assertThrows(CofferException.class, fields::build);
        assertEquals(ErrorCode.NoDestinationRegion, e.code());
        assertTrue(e.getMessage().startsWith("policy '' has 3 problems: name:"), e.getMessage());
    }

    @Test
    void aDisabledReplicationRuleIsNotChecked() {
        Policy policy = new Policy("p", DAILY, WEEK, false, new ReplicationRule(false, null, "bad name", null, null),
                new ArchiveRule(false, -1));
        assertEquals(false, policy.replication().enabled());
    }
}
