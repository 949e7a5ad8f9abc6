package coffer.engine.policy;

import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON form of a {@link Policy}: what the API takes and shows and what the catalog stores. One form,
 * so a stored policy reads back exactly as it was accepted:
 * <pre>{@code
 * {"name": "hourly", "schedule": "I|1631685600|PT1H", "zone": "UTC",
 *  "retention": {"keepFor": "1d", "keepLatest": 0, "calendar": [{"unit": "days", "count": 7}]},
 *  "immutable": false,
 *  "replication": {"enabled": true, "destinationRegion": "east", "destinationVault": "v", "retention": "30d",
 *                  "encryption": "auto" | {"keyId": "k"}},
 *  "archive": {"enabled": true, "afterDays": 30},
 *  "appConsistent": false | true | {"freezeFileSystems": true, "includeWriters": true, "scriptTimeoutSeconds": 60}}
 * }</pre>
 * {@code schedule} is the {@code I|} form or {@code {"start": ISO-8601 instant, "interval": "PT4H"|"P1D"|"P1W"}};
 * durations ({@code keepFor}, replication {@code retention}) are {@code <n>d|w|m|y} or {@code forever};
 * {@code zone} (default UTC), {@code retention.keepLatest}, {@code calendar}, {@code immutable},
 * {@code replication}, {@code archive} and {@code appConsistent} ({@link AppConsistencyJson}; default off)
 * are optional. Reading is strict and reports every problem at once
 * (unknown fields, wrong types, bad values), with the seed's codes as {@link Policy} does. Stateless.
 */
public final class PolicyJson {
    private static final Pattern PERIOD = Pattern.compile("(\\d{1,9})([dwmy])");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PolicyJson() {
    }

    /** The policy's JSON form. */
    public static ObjectNode write(Policy policy) {
        ObjectNode json = NODES.objectNode();
        json.put("name", policy.name());
        json.put("schedule", policy.schedule().format());
        json.put("zone", policy.schedule().zone().getId());
        ObjectNode retention = json.putObject("retention");
        retention.put("keepFor", period(policy.retention().keepFor()));
        retention.put("keepLatest", policy.retention().keepLatest());
        var calendar = retention.putArray("calendar");
        policy.retention().calendar().forEach(r -> calendar.addObject().put("unit", r.unit().lower()).put("count", r.count()));
        json.put("immutable", policy.immutable());
        ObjectNode replication = json.putObject("replication").put("enabled", policy.replication().enabled());
        if (policy.replication().enabled()) {
            ReplicationRule r = policy.replication();
            replication.put("destinationRegion", r.destinationRegion());
            replication.put("destinationVault", r.destinationVault());
            replication.put("retention", r.retention() == null ? null : period(r.retention()));
            switch (r.encryption()) {
                case ReplicationRule.Encryption.AssignedKey key -> replication.putObject("encryption").put("keyId", key.keyId());
                case null, default -> replication.put("encryption", "auto");
            }
        }
        ObjectNode archive = json.putObject("archive").put("enabled", policy.archive().enabled());
        if (policy.archive().enabled()) {
            archive.put("afterDays", policy.archive().afterDays());
        }
        json.set("appConsistent", AppConsistencyJson.write(policy.consistency()));
        return json;
    }

    /** {@code 7d}, {@code 2w}, {@code 6m}, {@code 1y} or {@code forever}. */
    public static String period(RetentionPeriod period) {
        return switch (period) {
            case RetentionPeriod.Finite f -> f.amount() + f.unit().lower().substring(0, 1);
            case RetentionPeriod.Forever ignored -> "forever";
        };
    }

    /**
     * Reads a policy, reporting every problem at once.
     *
     * @throws coffer.engine.error.CofferException {@code PolicyHasPermanentRetention}, {@code NoDestinationRegion}
     *                                             or {@code InvalidArgument}, naming every bad field
     */
    public static Policy read(JsonNode json) {
        Problems problems = new Problems();
        if (json == null || !json.isObject()) {
            problems.add("policy", "expected a JSON object, got " + (json == null ? "nothing" : json.getNodeType()));
            problems.throwIfAny("policy");
        }
        known(json, "", Set.of("name", "schedule", "zone", "retention", "immutable", "replication", "archive",
                "appConsistent"), problems);
        String name = text(json, "name", problems);
        ZoneId zone = zone(json.get("zone"), problems);
        Schedule schedule = schedule(json.get("schedule"), zone, problems);
        Retention retention = retention(json.get("retention"), zone, problems);
        boolean immutable = flag(json, "immutable", "immutable", problems);
        ReplicationRule replication = replication(json.get("replication"), problems);
        ArchiveRule archive = archive(json.get("archive"), problems);
        AppConsistency consistency = AppConsistencyJson.read(json.get("appConsistent"), "appConsistent", problems::add);
        List<Problems.Problem> own = problems.list();
        Problems all = Policy.problemsOf(name, schedule, retention, replication, archive);
        Problems merged = new Problems();
        own.forEach(p -> merged.add(p.code(), p.field(), p.message()));
        for (Problems.Problem p : all.list()) {
            boolean reported = own.stream().anyMatch(o -> p.field().startsWith(o.field()) || o.field().startsWith(p.field()));
            if (!reported) {
                merged.add(p.code(), p.field(), p.message());
            }
        }
        merged.throwIfAny("policy '" + (name == null ? "" : name) + "'");
        return new Policy(name, schedule, retention, immutable, replication, archive, consistency);
    }

    private static ZoneId zone(JsonNode node, Problems problems) {
        if (node == null || node.isNull()) {
            return ZoneOffset.UTC;
        }
        if (!node.isTextual()) {
            problems.add("zone", "expected a time zone name such as UTC or Europe/Berlin, got " + node);
            return ZoneOffset.UTC;
        }
        try {
            ZoneId zone = ZoneId.of(node.asText());
            return zone.getId().equals("Z") ? ZoneOffset.UTC : zone;
        } catch (DateTimeException e) {
            problems.add("zone", "'" + node.asText() + "' is not a time zone (e.g. UTC, Europe/Berlin)");
            return ZoneOffset.UTC;
        }
    }

    private static Schedule schedule(JsonNode node, ZoneId zone, Problems problems) {
        if (node == null || node.isNull()) {
            problems.add("schedule", "a schedule is required: \"I|<unix start>|<interval>\" or {\"start\": ..., \"interval\": ...}");
            return null;
        }
        try {
            if (node.isTextual()) {
                return Schedule.parse(node.asText(), zone);
            }
            if (node.isObject()) {
                known(node, "schedule.", Set.of("start", "interval"), problems);
                Instant start = null;
                JsonNode s = node.get("start");
                if (s == null || !s.isTextual()) {
                    problems.add("schedule.start", "the first run, an ISO-8601 instant to the second such as 2021-09-15T06:00:00Z, got " + s);
                } else {
                    try {
                        start = Instant.parse(s.asText());
                    } catch (DateTimeException e) {
                        problems.add("schedule.start", "'" + s.asText() + "' is not an ISO-8601 instant such as 2021-09-15T06:00:00Z");
                    }
                }
                JsonNode i = node.get("interval");
                Interval interval = Interval.parse("schedule.interval", i == null || !i.isTextual() ? null : i.asText());
                return start == null ? null : new Schedule(start, interval, zone);
            }
            problems.add("schedule", "expected the I| form or an object {start, interval}, got " + node);
        } catch (coffer.engine.error.CofferException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            problems.add(colon > 0 ? message.substring(0, colon) : "schedule", colon > 0 ? message.substring(colon + 2) : message);
        }
        return null;
    }

    private static Retention retention(JsonNode node, ZoneId zone, Problems problems) {
        if (node == null || !node.isObject()) {
            problems.add("retention", "a retention is required, e.g. {\"keepFor\": \"7d\"}, got " + node);
            return null;
        }
        known(node, "retention.", Set.of("keepFor", "keepLatest", "calendar"), problems);
        RetentionPeriod keepFor = period(node.get("keepFor"), "retention.keepFor", problems);
        int keepLatest = 0;
        JsonNode latest = node.get("keepLatest");
        if (latest != null && !latest.isNull()) {
            if (!latest.isIntegralNumber() || !latest.canConvertToInt()) {
                problems.add("retention.keepLatest", "expected a whole number from 0 to " + Retention.MAX_KEEP_LATEST + ", got " + latest);
            } else {
                keepLatest = latest.asInt();
            }
        }
        List<CalendarRule> calendar = new ArrayList<>();
        JsonNode rules = node.get("calendar");
        if (rules != null && !rules.isNull()) {
            if (!rules.isArray()) {
                problems.add("retention.calendar", "expected a list of {\"unit\": days|weeks|months|years, \"count\": n}, got " + rules);
            } else {
                for (int i = 0; i < rules.size(); i++) {
                    CalendarRule rule = calendarRule(rules.get(i), "retention.calendar[" + i + "]", problems);
                    if (rule != null) {
                        calendar.add(rule);
                    }
                }
            }
        }
        return keepFor == null ? null : new Retention(keepFor, keepLatest, calendar, zone);
    }

    private static CalendarRule calendarRule(JsonNode node, String field, Problems problems) {
        if (node == null || !node.isObject()) {
            problems.add(field, "expected {\"unit\": days|weeks|months|years, \"count\": n}, got " + node);
            return null;
        }
        known(node, field + ".", Set.of("unit", "count"), problems);
        CalendarUnit unit = unit(node.get("unit"), field + ".unit", problems);
        JsonNode count = node.get("count");
        if (count == null || !count.isIntegralNumber() || !count.canConvertToLong()) {
            problems.add(field + ".count", "expected a whole number, got " + count);
            return null;
        }
        return unit == null ? null : new CalendarRule(unit, count.asLong());
    }

    private static CalendarUnit unit(JsonNode node, String field, Problems problems) {
        if (node != null && node.isTextual()) {
            for (CalendarUnit u : CalendarUnit.values()) {
                if (u.lower().equals(node.asText())) {
                    return u;
                }
            }
        }
        problems.add(field, "expected one of days, weeks, months, years, got " + node);
        return null;
    }

    /** {@code <n>d|w|m|y} or {@code forever}. */
    static RetentionPeriod period(JsonNode node, String field, Problems problems) {
        if (node == null || node.isNull()) {
            problems.add(field, "a retention period is required, e.g. 7d, 2w, 6m or 1y");
            return null;
        }
        if (node.isTextual() && node.asText().equals("forever")) {
            return RetentionPeriod.forever();
        }
        Matcher m = node.isTextual() ? PERIOD.matcher(node.asText()) : null;
        if (m == null || !m.matches()) {
            problems.add(field, "expected <n>d, <n>w, <n>m or <n>y (days, weeks, months, years) or forever, got " + node);
            return null;
        }
        CalendarUnit unit = switch (m.group(2)) {
            case "d" -> CalendarUnit.DAYS;
            case "w" -> CalendarUnit.WEEKS;
            case "m" -> CalendarUnit.MONTHS;
            default -> CalendarUnit.YEARS;
        };
        return new RetentionPeriod.Finite(Long.parseLong(m.group(1)), unit);
    }

    private static ReplicationRule replication(JsonNode node, Problems problems) {
        if (node == null || node.isNull()) {
            return ReplicationRule.OFF;
        }
        if (!node.isObject()) {
            problems.add("replication", "expected an object {\"enabled\": ...}, got " + node);
            return ReplicationRule.OFF;
        }
        known(node, "replication.", Set.of("enabled", "destinationRegion", "destinationVault", "retention", "encryption"), problems);
        if (!flag(node, "enabled", "replication.enabled", problems)) {
            return ReplicationRule.OFF;
        }
        String region = optionalText(node, "destinationRegion", "replication.destinationRegion", problems);
        String vault = optionalText(node, "destinationVault", "replication.destinationVault", problems);
        RetentionPeriod retention = node.hasNonNull("retention")
                ? period(node.get("retention"), "replication.retention", problems) : null;
        ReplicationRule.Encryption encryption = null;
        JsonNode e = node.get("encryption");
        if (e == null || e.isNull() || e.isTextual() && e.asText().equals("auto")) {
            encryption = new ReplicationRule.Encryption.Auto();
        } else if (e.isObject() && e.size() == 1 && e.has("keyId")) {
            encryption = new ReplicationRule.Encryption.AssignedKey(e.get("keyId").isTextual() ? e.get("keyId").asText() : null);
        } else {
            problems.add("replication.encryption", "expected \"auto\" or {\"keyId\": \"...\"}, got " + e);
            encryption = new ReplicationRule.Encryption.Auto();
        }
        return new ReplicationRule(true, region, vault, retention, encryption);
    }

    private static ArchiveRule archive(JsonNode node, Problems problems) {
        if (node == null || node.isNull()) {
            return ArchiveRule.OFF;
        }
        if (!node.isObject()) {
            problems.add("archive", "expected an object {\"enabled\": ..., \"afterDays\": n}, got " + node);
            return ArchiveRule.OFF;
        }
        known(node, "archive.", Set.of("enabled", "afterDays"), problems);
        if (!flag(node, "enabled", "archive.enabled", problems)) {
            return ArchiveRule.OFF;
        }
        JsonNode days = node.get("afterDays");
        if (days == null || !days.isIntegralNumber() || !days.canConvertToLong()) {
            problems.add("archive.afterDays", "expected a whole number of days, got " + days);
            return ArchiveRule.OFF;
        }
        return ArchiveRule.after(days.asLong());
    }

    private static void known(JsonNode node, String prefix, Set<String> fields, Problems problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                problems.add(prefix + name, "unknown field (known: " + String.join(", ", new TreeSet<>(fields)) + ")");
            }
        }
    }

    private static String text(JsonNode node, String field, Problems problems) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            problems.add(field, "expected text, got " + value);
            return null;
        }
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String optionalText(JsonNode node, String name, String field, Problems problems) {
        JsonNode value = node.get(name);
        if (value != null && !value.isNull() && !value.isTextual()) {
            problems.add(field, "expected text, got " + value);
            return null;
        }
        return value == null || value.isNull() ? null : value.asText();
    }

    private static boolean flag(JsonNode node, String name, String field, Problems problems) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            problems.add(field, "expected true or false, got " + value);
            return false;
        }
        return value.asBoolean();
    }
}
