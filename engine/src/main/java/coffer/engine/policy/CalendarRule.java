package coffer.engine.policy;

import coffer.engine.error.Problems;

/**
 * A calendar ("grandfather-father-son") rule: keep the first point of each day, week (Monday to Sunday),
 * month or year, for {@code count} such periods. The first point of a period that begins at local
 * midnight {@code B} is kept until the period {@code count} units later begins: "monthly 12" keeps the
 * first point of March 2024 until 2025-03-01T00:00 in the policy's zone. Bounds as
 * {@link CalendarUnit#max()} (within the seed's 65,536 days).
 */
public record CalendarRule(CalendarUnit unit, long count) {
    public CalendarRule {
        if (unit == null) {
            throw new IllegalArgumentException("calendar rule unit is required");
        }
    }

    public static CalendarRule daily(long count) {
        return new CalendarRule(CalendarUnit.DAYS, count);
    }

    public static CalendarRule weekly(long count) {
        return new CalendarRule(CalendarUnit.WEEKS, count);
    }

    public static CalendarRule monthly(long count) {
        return new CalendarRule(CalendarUnit.MONTHS, count);
    }

    public static CalendarRule yearly(long count) {
        return new CalendarRule(CalendarUnit.YEARS, count);
    }

    void check(String field, Problems problems) {
        if (count < 1 || count > unit.max()) {
            problems.add(field, "keep the first point of " + count + " " + unit.lower() + " is out of range: 1 to "
                    + unit.max());
        }
    }

    @Override
    public String toString() {
        return switch (unit) {
            case DAYS -> "daily";
            case WEEKS -> "weekly";
            case MONTHS -> "monthly";
            case YEARS -> "yearly";
        } + " " + count;
    }
}
