package coffer.engine.policy;

import coffer.engine.error.Problems;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a policy runs: a start time to the second (the seed's "备份开始时间 … 时间精确到秒") and an
 * {@link Interval}. Slot {@code k} (k ≥ 0) is {@code start + k × interval}: for hours exact elapsed time;
 * for days and weeks calendar steps in {@code zone}, so a daily 02:00 run stays at 02:00 local time
 * across daylight-saving changes (a local time that falls into a spring-forward gap runs later by the
 * gap's length; in an autumn overlap the earlier instant is used). In UTC the two readings coincide.
 *
 * <p>Text form: {@code I|<unix start seconds>|<ISO-8601 interval>}, e.g. {@code I|1631685600|P1D}.
 * Bounds: the start lies in 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z and has no fraction of a second.
 */
public record Schedule(Instant start, Interval interval, ZoneId zone) {
    static final long LAST_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

    public Schedule {
        if (start == null || interval == null || zone == null) {
            throw new IllegalArgumentException("schedule needs start, interval and zone");
        }
    }

    /** A schedule in UTC (days are then exactly 24 hours). */
    public static Schedule of(Instant start, Interval interval) {
        return new Schedule(start, interval, ZoneOffset.UTC);
    }

    /** Parses the {@code I|…} form in UTC. */
    public static Schedule parse(String text) {
        return parse(text, ZoneOffset.UTC);
    }

    /**
     * Parses {@code I|<unix start>|<interval>}; days and weeks step in {@code zone}.
     *
     * @throws coffer.engine.error.CofferException {@code InvalidArgument} naming the text and the bad part
     */
    public static Schedule parse(String text, ZoneId zone) {
        String field = "schedule";
        if (text == null || text.isBlank()) {
            throw Problems.invalid(field, "a schedule is required, e.g. I|1631685600|P1D");
        }
        String[] parts = text.split("\\|", -1);
        if (parts.length != 3 || !parts[0].equals("I")) {
            throw Problems.invalid(field, "'" + text + "' is not of the form I|<unix start seconds>|<interval>, "
                    + "e.g. I|1631685600|P1D");
        }
        if (!parts[1].matches("\\d{1,12}")) {
            throw Problems.invalid(field + ".start", "'" + parts[1] + "' in '" + text
                    + "' is not a unix time in whole seconds (0 to " + LAST_SECOND + ")");
        }
        Schedule schedule = new Schedule(Instant.ofEpochSecond(Long.parseLong(parts[1])),
                Interval.parse(field + ".interval", parts[2]), zone);
        Problems problems = new Problems();
        schedule.check(field, problems);
        if (!problems.isEmpty()) {
            throw Problems.invalid(problems.list().getFirst().field(), problems.list().getFirst().message());
        }
        return schedule;
    }

    /** The {@code I|<unix start>|<interval>} form (the zone is not part of it). */
    public String format() {
        return "I|" + start.getEpochSecond() + "|" + interval.iso();
    }

    public void check(String field, Problems problems) {
        if (start.getNano() != 0) {
            problems.add(field + ".start", start + " has a fraction of a second; the start is to the second");
        }
        if (start.getEpochSecond() < 0 || start.getEpochSecond() > LAST_SECOND) {
            problems.add(field + ".start", start + " is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z");
        }
        interval.check(field + ".interval", problems);
    }

    /** This schedule moved later by {@code offset} (see {@link Stagger}). */
    public Schedule shiftedBy(Duration offset) {
        return new Schedule(start.plus(offset), interval, zone);
    }

    /** Slot {@code k}: the k-th run time, {@code k ≥ 0}. */
    public Instant slot(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("slot index " + k + " < 0");
        }
        return switch (interval.unit()) {
            case HOURS -> start.plus(Duration.ofHours(Math.multiplyExact(k, interval.amount())));
            case DAYS, WEEKS -> {
                long days = Math.multiplyExact(k, interval.nominal().toDays());
                ZonedDateTime first = start.atZone(zone);
                // the start's own offset is preferred, so slot 0 is the start even inside an overlap
                yield ZonedDateTime.ofLocal(first.toLocalDateTime().plusDays(days), zone, first.getOffset())
                        .toInstant();
            }
        };
    }

    /** The index of the last slot at or before {@code t}, or -1 when {@code t} is before the start. */
    public long indexAtOrBefore(Instant t) {
        if (t.isBefore(start)) {
            return -1;
        }
        long k = Duration.between(start, t).getSeconds() / interval.nominal().getSeconds();
        while (k > 0 && slot(k).isAfter(t)) { // DST makes zoned steps up to an hour shorter or longer
            k--;
        }
        while (!slot(k + 1).isAfter(t)) {
            k++;
        }
        return k;
    }

    /** The latest slot at or before {@code t}, if the schedule has started by then. */
    public Optional<Instant> slotAtOrBefore(Instant t) {
        long k = indexAtOrBefore(t);
        return k < 0 ? Optional.empty() : Optional.of(slot(k));
    }

    /** The first slot strictly after {@code t} (the start itself when {@code t} is before it). */
    public Instant nextAfter(Instant t) {
        return slot(indexAtOrBefore(t) + 1);
    }

    /** How many slots lie in {@code [from, to]}. */
    public long slotsBetween(Instant from, Instant to) {
        if (to.isBefore(from)) {
            return 0;
        }
        return indexAtOrBefore(to) - indexAtOrBefore(from.minusNanos(1));
    }

    @Override
    public String toString() {
        return format() + (zone.equals(ZoneOffset.UTC) ? "" : " in " + zone);
    }
}
