package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.instance.AppConsistency;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.DrillRule;
import coffer.engine.policy.CalendarRule;
import coffer.engine.policy.CalendarUnit;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The document form of a {@link Policy}: what the API takes and shows and what the catalog stores, so a stored
 * policy reads back exactly as it was accepted:
 * <pre>{@code
 * {"name": "hourly", "schedule": "I|1631685600|PT1H", "zone": "UTC",
 *  "retention": {"keepFor": "1d", "keepLatest": 0, "calendar": [{"unit": "days", "count": 7}]},
 *  "immutable": false,
 *  "replication": {"enabled": true, "destinationRegion": "east", "destinationVault": "v", "retention": "30d",
 *                  "encryption": "auto" | {"keyId": "k"}},
 *  "archive": {"enabled": true, "afterDays": 30},
 *  "appConsistent": false | true | {"freezeFileSystems": true, "includeWriters": true, "scriptTimeoutSeconds": 60},
 *  "region": "west",
 *  "drill": {"every": "7d", "check": ["/bin/systemctl", "is-system-running"]}}
 * }</pre>
 * {@code region}: the region whose instances the policy protects (docs/server.md, "Regions"), fixed when it is created
 * (default: the server's first region); it is the stored policy's, not part of its rules.
 * {@code schedule} is the {@code I|} form or {@code {"start": ISO-8601 instant, "interval": "PT4H"|"P1D"|"P1W"}};
 * periods are {@code <n>d|w|m|y} or {@code forever}. Every field may be absent here (an edit gives only what
 * changes, {@link #mergedOnto}); {@link #toPolicy} checks the whole and reports every problem at once, with the
 * seed's codes ({@code PolicyHasPermanentRetention}, {@code NoDestinationRegion}). Wide value type with its
 * parts: one file holds the whole document. Immutable.
 */
public record PolicyDocument(String name, ScheduleForm schedule, String zone, RetentionForm retention, Boolean immutable,
                             ReplicationForm replication, ArchiveForm archive, AppConsistency appConsistent,
                             String region, @JsonInclude(JsonInclude.Include.NON_NULL) DrillForm drill) {
    static final PolicyDocument EMPTY = new PolicyDocument(null, null, null, null, null, null, null, null, null, null);

    /** A document without restore drills (as before they existed). */
    public PolicyDocument(String name, ScheduleForm schedule, String zone, RetentionForm retention, Boolean immutable,
                          ReplicationForm replication, ArchiveForm archive, AppConsistency appConsistent, String region) {
        this(name, schedule, zone, retention, immutable, replication, archive, appConsistent, region, null);
    }

    /**
     * Restore drills of the policy's instances every {@code every} ({@code <n>d} or {@code <n>w}, at most a year), with
     * an optional check command; {@code {"every": null}} or {@code "off"} turns them off in an edit.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DrillForm(String every, List<String> check) {
    }

    /** {@code "I|<unix start>|<interval>"}, or {@code {"start", "interval"}}. */
    public record ScheduleForm(String text, String start, String interval) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ScheduleForm of(String text) {
            return new ScheduleForm(text, null, null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public static ScheduleForm of(@JsonProperty("start") String start, @JsonProperty("interval") String interval) {
            return new ScheduleForm(null, start, interval);
        }

        @JsonValue
        Object json() {
            return text != null ? text : Map.of("start", String.valueOf(start), "interval", String.valueOf(interval));
        }
    }

    /** Keep every point {@code keepFor}; also the newest {@code keepLatest}; and the calendar rules. */
    public record RetentionForm(String keepFor, Integer keepLatest, List<CalendarForm> calendar) {
    }

    /** Keep the first point of each day, week, month or year, for {@code count} of them. */
    public record CalendarForm(String unit, Long count) {
    }

    /** Copy points to {@code destinationVault} in {@code destinationRegion}, kept there {@code retention}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReplicationForm(Boolean enabled, String destinationRegion, String destinationVault, String retention,
                                  EncryptionForm encryption) {
    }

    /** {@code "auto"}, or {@code {"keyId": "..."}}: an assigned key of the destination (it cannot change later). */
    public record EncryptionForm(String keyId) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static EncryptionForm auto(String text) {
            if (!"auto".equals(text)) {
                throw new IllegalArgumentException("encryption: expected \"auto\" or {\"keyId\": \"...\"}, got \"" + text + "\"");
            }
            return new EncryptionForm(null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public static EncryptionForm key(@JsonProperty("keyId") String keyId) {
            return new EncryptionForm(keyId == null ? "" : keyId);
        }

        @JsonValue
        Object json() {
            return keyId == null ? "auto" : Map.of("keyId", keyId);
        }
    }

    /** Archive points {@code afterDays} after their creation. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ArchiveForm(Boolean enabled, Long afterDays) {
    }

    /** The document of a valid policy, every field given. */
    public static PolicyDocument of(Policy policy) {
        Retention r = policy.retention();
        ReplicationRule rep = policy.replication();
        ReplicationForm replication = !rep.enabled() ? new ReplicationForm(false, null, null, null, null)
                : new ReplicationForm(true, rep.destinationRegion(), rep.destinationVault(),
                rep.retention() == null ? null : rep.retention().text(),
                rep.encryption() instanceof ReplicationRule.Encryption.AssignedKey(String key)
                        ? new EncryptionForm(key) : new EncryptionForm(null));
        return new PolicyDocument(policy.name(), ScheduleForm.of(policy.schedule().format()),
                policy.schedule().zone().getId(),
                new RetentionForm(r.keepFor().text(), r.keepLatest(),
                        r.calendar().stream().map(c -> new CalendarForm(c.unit().lower(), c.count())).toList()),
                policy.immutable(), replication,
                policy.archive().enabled() ? new ArchiveForm(true, policy.archive().afterDays()) : new ArchiveForm(false, null),
                policy.consistency(), null, !policy.drill().enabled() ? null
                        : new DrillForm(policy.drill().everyDays() + "d", policy.drill().check()));
    }

    /** This document's fields over {@code current}'s: what this one gives replaces, the rest stays. */
    public PolicyDocument mergedOnto(PolicyDocument current) {
        RetentionForm r = retention == null ? current.retention : current.retention == null ? retention
                : new RetentionForm(or(retention.keepFor, current.retention.keepFor),
                or(retention.keepLatest, current.retention.keepLatest), or(retention.calendar, current.retention.calendar));
        ReplicationForm p = replication == null ? current.replication : current.replication == null ? replication
                : Boolean.FALSE.equals(replication.enabled) ? replication
                : new ReplicationForm(or(replication.enabled, current.replication.enabled),
                or(replication.destinationRegion, current.replication.destinationRegion),
                or(replication.destinationVault, current.replication.destinationVault),
                or(replication.retention, current.replication.retention),
                or(replication.encryption, current.replication.encryption));
        ArchiveForm a = archive == null ? current.archive : current.archive == null ? archive
                : Boolean.FALSE.equals(archive.enabled) ? archive
                : new ArchiveForm(or(archive.enabled, current.archive.enabled), or(archive.afterDays, current.archive.afterDays));
        DrillForm d = drill == null ? current.drill : current.drill == null || "off".equals(drill.every) ? drill
                : new DrillForm(or(drill.every, current.drill.every), or(drill.check, current.drill.check));
        return new PolicyDocument(or(name, current.name), or(schedule, current.schedule), or(zone, current.zone), r,
                or(immutable, current.immutable), p, a, or(appConsistent, current.appConsistent), or(region, current.region), d);
    }

    private static <T> T or(T given, T current) {
        return given != null ? given : current;
    }

    /**
     * The policy this document describes; every problem at once.
     *
     * @throws coffer.engine.error.CofferException {@code PolicyHasPermanentRetention}, {@code NoDestinationRegion}
     *                                             or {@code InvalidArgument}, naming every bad field
     */
    public Policy toPolicy() {
        Problems problems = new Problems();
        ZoneId zoneId = zone(problems);
        Schedule parsedSchedule = schedule(zoneId, problems);
        Retention parsedRetention = retention(zoneId, problems);
        ReplicationRule parsedReplication = replication(problems);
        DrillRule parsedDrill = drill(problems);
        ArchiveRule parsedArchive = archive == null || !Boolean.TRUE.equals(archive.enabled) ? ArchiveRule.OFF
                : archive.afterDays == null ? missing(problems, "archive.afterDays", "expected a whole number of days, got null", ArchiveRule.OFF)
                : ArchiveRule.after(archive.afterDays);
        List<Problems.Problem> own = problems.list();
        Problems merged = new Problems();
        own.forEach(p -> merged.add(p.code(), p.field(), p.message()));
        for (Problems.Problem p : Policy.problemsOf(name, parsedSchedule, parsedRetention, parsedReplication, parsedArchive).list()) {
            if (own.stream().noneMatch(o -> p.field().startsWith(o.field()) || o.field().startsWith(p.field()))) {
                merged.add(p.code(), p.field(), p.message());
            }
        }
        merged.throwIfAny("policy '" + (name == null ? "" : name) + "'");
        return new Policy(name, parsedSchedule, parsedRetention, Boolean.TRUE.equals(immutable), parsedReplication,
                parsedArchive, appConsistent == null ? AppConsistency.off() : appConsistent, parsedDrill);
    }

    /** The drill rule: {@code every} as {@code <n>d} or {@code <n>w}; absent, null or {@code off}: none. */
    private DrillRule drill(Problems problems) {
        if (drill == null || drill.every() == null || drill.every().equals("off")) {
            if (drill != null && drill.check() != null && !drill.check().isEmpty()) {
                problems.add("drill.check", "a check command needs drills: give 'every'");
            }
            return DrillRule.OFF;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([1-9][0-9]{0,2})([dw])").matcher(drill.every());
        if (!m.matches()) {
            problems.add("drill.every", "expected <n>d or <n>w (e.g. 7d, 2w) or off, got '" + drill.every() + "'");
            return DrillRule.OFF;
        }
        int days = Integer.parseInt(m.group(1)) * (m.group(2).equals("w") ? 7 : 1);
        if (days > 365) {
            problems.add("drill.every", "at most a year (365d), got " + drill.every());
            return DrillRule.OFF;
        }
        List<String> check = drill.check() == null ? List.of() : drill.check();
        if (!check.isEmpty() && (check.getFirst() == null || !check.getFirst().startsWith("/"))) {
            problems.add("drill.check", "the command's path must be absolute (it runs in the guest), got '" + check.getFirst() + "'");
            return DrillRule.OFF;
        }
        return new DrillRule(days, check);
    }

    private static <T> T missing(Problems problems, String field, String message, T value) {
        problems.add(field, message);
        return value;
    }

    private ZoneId zone(Problems problems) {
        if (zone == null) {
            return ZoneOffset.UTC;
        }
        try {
            ZoneId id = ZoneId.of(zone);
            return id.getId().equals("Z") ? ZoneOffset.UTC : id;
        } catch (DateTimeException e) {
            problems.add("zone", "'" + zone + "' is not a time zone (e.g. UTC, Europe/Berlin)");
            return ZoneOffset.UTC;
        }
    }

    private Schedule schedule(ZoneId zoneId, Problems problems) {
        if (schedule == null) {
            problems.add("schedule", "a schedule is required: \"I|<unix start>|<interval>\" or {\"start\": ..., \"interval\": ...}");
            return null;
        }
        try {
            if (schedule.text() != null) {
                return Schedule.parse(schedule.text(), zoneId);
            }
            Instant start = null;
            if (schedule.start() == null) {
                problems.add("schedule.start", "the first run, an ISO-8601 instant to the second such as 2021-09-15T06:00:00Z, got null");
            } else {
                try {
                    start = Instant.parse(schedule.start());
                } catch (DateTimeException e) {
                    problems.add("schedule.start", "'" + schedule.start() + "' is not an ISO-8601 instant such as 2021-09-15T06:00:00Z");
                }
            }
            Interval interval = Interval.parse("schedule.interval", schedule.interval());
            return start == null ? null : new Schedule(start, interval, zoneId);
        } catch (coffer.engine.error.CofferException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            problems.add(colon > 0 ? message.substring(0, colon) : "schedule", colon > 0 ? message.substring(colon + 2) : message);
            return null;
        }
    }

    private Retention retention(ZoneId zoneId, Problems problems) {
        if (retention == null) {
            problems.add("retention", "a retention is required, e.g. {\"keepFor\": \"7d\"}, got null");
            return null;
        }
        RetentionPeriod keepFor = period(retention.keepFor(), "retention.keepFor", problems);
        List<CalendarRule> calendar = new ArrayList<>();
        List<CalendarForm> rules = retention.calendar() == null ? List.of() : retention.calendar();
        for (int i = 0; i < rules.size(); i++) {
            String field = "retention.calendar[" + i + "]";
            CalendarForm rule = rules.get(i);
            CalendarUnit unit = rule == null ? null : unit(rule.unit());
            if (unit == null) {
                problems.add(field + ".unit", "expected one of days, weeks, months, years, got "
                        + (rule == null || rule.unit() == null ? "null" : "\"" + rule.unit() + "\""));
            } else if (rule.count() == null) {
                problems.add(field + ".count", "expected a whole number, got null");
            } else {
                calendar.add(new CalendarRule(unit, rule.count()));
            }
        }
        int keepLatest = retention.keepLatest() == null ? 0 : retention.keepLatest();
        return keepFor == null ? null : new Retention(keepFor, keepLatest, calendar, zoneId);
    }

    private static CalendarUnit unit(String text) {
        for (CalendarUnit u : CalendarUnit.values()) {
            if (u.lower().equals(text)) {
                return u;
            }
        }
        return null;
    }

    private static RetentionPeriod period(String text, String field, Problems problems) {
        if (text == null) {
            problems.add(field, "a retention period is required, e.g. 7d, 2w, 6m or 1y");
            return null;
        }
        RetentionPeriod period = RetentionPeriod.parse(text);
        if (period == null) {
            problems.add(field, "expected <n>d, <n>w, <n>m or <n>y (days, weeks, months, years) or forever, got \"" + text + "\"");
        }
        return period;
    }

    private ReplicationRule replication(Problems problems) {
        if (replication == null || !Boolean.TRUE.equals(replication.enabled())) {
            return ReplicationRule.OFF;
        }
        RetentionPeriod kept = replication.retention() == null ? null
                : period(replication.retention(), "replication.retention", problems);
        ReplicationRule.Encryption encryption = replication.encryption() == null || replication.encryption().keyId() == null
                ? new ReplicationRule.Encryption.Auto()
                : new ReplicationRule.Encryption.AssignedKey(replication.encryption().keyId());
        return new ReplicationRule(true, replication.destinationRegion(), replication.destinationVault(), kept, encryption);
    }
}
