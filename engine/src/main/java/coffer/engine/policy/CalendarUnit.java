package coffer.engine.policy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The units of retention (the seed's "备份保留时间 … 时间单位：天、周、月、年") and of calendar rules.
 * Arithmetic is calendar arithmetic in a zone: one month after Jan 31 is the last day of February,
 * one year after Feb 29 is Feb 28, one day across a DST change is 23 or 25 hours. Weeks start on Monday
 * (ISO-8601).
 *
 * <p>Each unit's largest amount keeps a retention within the seed's maximum retention period of
 * 65,536 days ("The maximum retention period is 65,536 days"): 65,536 days, 9,362 weeks, 2,148 months
 * (179 years), 179 years.
 */
public enum CalendarUnit {
    DAYS(ChronoUnit.DAYS, 65_536),
    WEEKS(ChronoUnit.WEEKS, 9_362),
    MONTHS(ChronoUnit.MONTHS, 2_148),
    YEARS(ChronoUnit.YEARS, 179);

    /** The seed's maximum retention period, in days. */
    public static final long MAX_RETENTION_DAYS = 65_536;

    private final ChronoUnit unit;
    private final long max;

    CalendarUnit(ChronoUnit unit, long max) {
        this.unit = unit;
        this.max = max;
    }

    public long max() {
        return max;
    }

    /** {@code t + amount units}, in local calendar terms of {@code zone}. */
    ZonedDateTime plus(ZonedDateTime t, long amount) {
        return t.plus(amount, unit);
    }

    /** The first day of the day/week/month/year holding {@code date}. */
    LocalDate bucketOf(LocalDate date) {
        return switch (this) {
            case DAYS -> date;
            case WEEKS -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHS -> date.withDayOfMonth(1);
            case YEARS -> date.withDayOfYear(1);
        };
    }

    /** The instant the bucket {@code amount} units after {@code bucket} begins, at local midnight. */
    ZonedDateTime bucketStart(LocalDate bucket, long amount, ZoneId zone) {
        return bucket.plus(amount, unit).atStartOfDay(zone);
    }

    /** The shortest possible length of {@code amount} units, in days (months 28, years 365). */
    long minDays(long amount) {
        return switch (this) {
            case DAYS -> amount;
            case WEEKS -> 7 * amount;
            case MONTHS -> 28 * amount;
            case YEARS -> 365 * amount;
        };
    }

    String singular() {
        String lower = lower();
        return lower.substring(0, lower.length() - 1);
    }

    public String lower() {
        return name().toLowerCase();
    }
}
