package coffer.server.console.page;

import coffer.engine.instance.AppConsistency;
import coffer.engine.operation.PolicyDocument;
import coffer.engine.operation.PolicyView;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy form's fields as typed (so a refused form comes back as it was), and the {@link PolicyDocument} they
 * make: the first run (UTC, to the second) and an interval in hours, days or weeks; retention (keep for, keep the
 * latest, calendar rules written "days 7, weeks 4"); immutability; application consistency and its options;
 * replication. The document's own checks give the messages and codes. Immutable.
 */
public record PolicyForm(String name, String start, String every, String unit, String zone, String keepFor,
                         String keepLatest, String calendar, boolean immutable, boolean appConsistent,
                         boolean freezeFileSystems, boolean includeWriters, String scriptTimeoutSeconds,
                         boolean replicate, String destinationRegion, String destinationVault, String replicaRetention,
                         String keyId) {
    public static final List<String> UNITS = List.of("hours", "days", "weeks");

    /** An empty form: daily from the next full hour, kept 7 days. */
    public static PolicyForm empty(Instant now) {
        String start = LocalDateTime.ofInstant(now, ZoneOffset.UTC).withMinute(0).withSecond(0).withNano(0).plusHours(1).toString();
        return new PolicyForm("", start.length() == 16 ? start + ":00" : start, "1", "days", "UTC", "7d", "0", "", false,
                false, true, true, "60", false, "", "", "", "");
    }

    /** The form of a stored policy, for editing. */
    public static PolicyForm of(PolicyView p) {
        String iso = p.scheduleInterval();
        String every;
        String unit;
        if (iso.startsWith("PT") && iso.endsWith("H")) {
            every = iso.substring(2, iso.length() - 1);
            unit = "hours";
        } else if (iso.endsWith("W")) {
            every = iso.substring(1, iso.length() - 1);
            unit = "weeks";
        } else {
            every = iso.substring(1, iso.length() - 1);
            unit = "days";
        }
        var retention = p.retention();
        StringBuilder calendar = new StringBuilder();
        if (retention != null && retention.calendar() != null) {
            for (var rule : retention.calendar()) {
                calendar.append(calendar.isEmpty() ? "" : ", ").append(rule.unit()).append(' ').append(rule.count());
            }
        }
        AppConsistency app = p.appConsistent() == null ? AppConsistency.off() : p.appConsistent();
        var replication = p.replication();
        boolean replicate = replication != null && Boolean.TRUE.equals(replication.enabled());
        return new PolicyForm(p.name(), LocalDateTime.ofInstant(p.scheduleStart(), ZoneOffset.UTC).toString(), every, unit,
                p.zone() == null ? "UTC" : p.zone(), retention == null ? "" : retention.keepFor(),
                retention == null || retention.keepLatest() == null ? "0" : retention.keepLatest().toString(),
                calendar.toString(), Boolean.TRUE.equals(p.immutable()), app.enabled(), app.freezeFileSystems(),
                app.includeWriters(), Long.toString(app.scriptTimeout().toSeconds()), replicate,
                replicate ? nz(replication.destinationRegion()) : "", replicate ? nz(replication.destinationVault()) : "",
                replicate ? nz(replication.retention()) : "",
                replicate && replication.encryption() != null ? nz(replication.encryption().keyId()) : "");
    }

    /** The document these fields make; a field that cannot be read is named (InvalidArgument), with every such problem. */
    public PolicyDocument document() {
        coffer.engine.error.Problems problems = new coffer.engine.error.Problems();
        String startInstant = null;
        try {
            startInstant = LocalDateTime.parse(start).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException | NullPointerException e) {
            problems.add("start", "a date and time (UTC) such as 2026-03-02T01:00:00, got '" + start + "'");
        }
        Integer count = whole(every, "every", problems);
        String interval = count == null ? null : switch (unit) {
            case "hours" -> "PT" + count + "H";
            case "weeks" -> "P" + count + "W";
            default -> "P" + count + "D";
        };
        List<PolicyDocument.CalendarForm> rules = new ArrayList<>();
        for (String rule : blank(calendar) == null ? new String[0] : calendar.split(",")) {
            String[] parts = rule.strip().split("\\s+");
            Integer n = parts.length == 2 ? whole(parts[1], "calendar", problems) : null;
            if (parts.length != 2) {
                problems.add("calendar", "rules are written 'days 7, weeks 4, months 12, years 3', got '" + rule.strip() + "'");
            } else if (n != null) {
                rules.add(new PolicyDocument.CalendarForm(parts[0], n.longValue()));
            }
        }
        Integer latest = whole(keepLatest, "keepLatest", problems);
        Integer timeout = appConsistent ? whole(scriptTimeoutSeconds, "scriptTimeoutSeconds", problems) : null;
        AppConsistency app = AppConsistency.off();
        if (appConsistent && (timeout != null || blank(scriptTimeoutSeconds) == null)) {
            try {
                app = AppConsistency.of(freezeFileSystems, includeWriters, timeout);
            } catch (IllegalArgumentException e) {
                problems.add("scriptTimeoutSeconds", e.getMessage().replaceFirst("^scriptTimeoutSeconds: ", ""));
            }
        }
        problems.throwIfAny("policy form");
        PolicyDocument.ReplicationForm replication = new PolicyDocument.ReplicationForm(replicate,
                replicate ? blank(destinationRegion) : null, replicate ? blank(destinationVault) : null,
                replicate ? blank(replicaRetention) : null,
                replicate && blank(keyId) != null ? new PolicyDocument.EncryptionForm(keyId.strip()) : null);
        return new PolicyDocument(blank(name), startInstant == null || interval == null ? null
                : PolicyDocument.ScheduleForm.of(startInstant, interval), blank(zone),
                new PolicyDocument.RetentionForm(blank(keepFor), latest, rules), immutable, replication, null, app, null);
    }

    private static Integer whole(String text, String field, coffer.engine.error.Problems problems) {
        if (blank(text) == null) {
            return null;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            problems.add(field, "expected a whole number, got '" + text.strip() + "'");
            return null;
        }
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String nz(String text) {
        return text == null ? "" : text;
    }

}
