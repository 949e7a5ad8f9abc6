package coffer.engine.policy;

import coffer.engine.error.Problems;
import coffer.engine.error.ErrorCode;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * How long a point is kept after its creation: a whole number of days, weeks, months or years, or
 * {@link Forever}. A policy refuses {@code Forever} with the seed's {@code PolicyHasPermanentRetention}
 * (a never-expire rule cannot be applied to instance backup); a single point may still be set to never
 * expire ({@link PointExpiry.Never}).
 */
public sealed interface RetentionPeriod {

    /** {@code amount} units, 1 ≤ amount ≤ {@link CalendarUnit#max()}. */
    record Finite(long amount, CalendarUnit unit) implements RetentionPeriod {
        public Finite {
            if (unit == null) {
                throw new IllegalArgumentException("retention unit is required");
            }
        }

        @Override
        public String toString() {
            return amount + " " + (amount == 1 ? unit.singular() : unit.lower());
        }
    }

    /** Never expires. */
    record Forever() implements RetentionPeriod {
        @Override
        public String toString() {
            return "forever";
        }
    }

    /** {@code <n>d}, {@code <n>w}, {@code <n>m}, {@code <n>y} or {@code forever}; null when the text is none of these. */
    static RetentionPeriod parse(String text) {
        if ("forever".equals(text)) {
            return forever();
        }
        java.util.regex.Matcher m = text == null ? null : java.util.regex.Pattern.compile("(\\d{1,9})([dwmy])").matcher(text);
        if (m == null || !m.matches()) {
            return null;
        }
        CalendarUnit unit = switch (m.group(2)) {
            case "d" -> CalendarUnit.DAYS;
            case "w" -> CalendarUnit.WEEKS;
            case "m" -> CalendarUnit.MONTHS;
            default -> CalendarUnit.YEARS;
        };
        return new Finite(Long.parseLong(m.group(1)), unit);
    }

    /** The text form {@link #parse} reads: {@code 7d}, {@code 2w}, {@code 6m}, {@code 1y} or {@code forever}. */
    default String text() {
        return switch (this) {
            case Finite f -> f.amount() + f.unit().lower().substring(0, 1);
            case Forever ignored -> "forever";
        };
    }

    static RetentionPeriod days(long n) {
        return new Finite(n, CalendarUnit.DAYS);
    }

    static RetentionPeriod weeks(long n) {
        return new Finite(n, CalendarUnit.WEEKS);
    }

    static RetentionPeriod months(long n) {
        return new Finite(n, CalendarUnit.MONTHS);
    }

    static RetentionPeriod years(long n) {
        return new Finite(n, CalendarUnit.YEARS);
    }

    static RetentionPeriod forever() {
        return new Forever();
    }

    /** The expiry of a point created at {@code created}: empty for {@code Forever}. */
    default Optional<Instant> expiryOf(Instant created, ZoneId zone) {
        return switch (this) {
            case Finite f -> Optional.of(f.unit().plus(created.atZone(zone), f.amount()).toInstant());
            case Forever ignored -> Optional.empty();
        };
    }

    /** Adds problems: out-of-range amounts; {@code Forever} as {@code PolicyHasPermanentRetention}. */
    default void check(String field, Problems problems) {
        switch (this) {
            case Finite f when f.amount() < 1 || f.amount() > f.unit().max() -> problems.add(field,
                    "retention " + f + " is out of range: 1 to " + f.unit().max() + " " + f.unit().lower()
                            + " (at most " + CalendarUnit.MAX_RETENTION_DAYS + " days)");
            case Finite ignored -> {
            }
            case Forever ignored -> problems.add(ErrorCode.PolicyHasPermanentRetention, field,
                    "a never-expire retention cannot be applied to instance backup; set a finite retention");
        }
    }
}
