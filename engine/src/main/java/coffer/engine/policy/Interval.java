package coffer.engine.policy;

import coffer.engine.error.Problems;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often a schedule runs: a whole number of hours, days or weeks, the three units the seed offers
 * ("备份执行间隔 … 时间单位：小时、天、周"). Written as an ISO-8601 duration with one component:
 * {@code PT4H}, {@code P1D}, {@code P1W}.
 *
 * <p>Bounds (Coffer's; the seed is silent): at least one hour (the smallest unit offered), at most one
 * year: {@code PT1H..PT8760H}, {@code P1D..P365D}, {@code P1W..P52W}. The constructor accepts any amount
 * so that {@link #check} can report it with the other problems of a policy.
 */
public record Interval(long amount, Unit unit) {
    /** The interval units, each with its ISO-8601 spelling and largest amount. */
    public enum Unit {
        HOURS("PT%dH", 8_760, Duration.ofHours(1)),
        DAYS("P%dD", 365, Duration.ofDays(1)),
        WEEKS("P%dW", 52, Duration.ofDays(7));

        private final String iso;
        private final long max;
        private final Duration nominal;

        Unit(String iso, long max, Duration nominal) {
            this.iso = iso;
            this.max = max;
            this.nominal = nominal;
        }

        public long max() {
            return max;
        }
    }

    private static final Pattern ISO = Pattern.compile("P(?:(\\d{1,9})([DW])|T(\\d{1,9})H)");

    public Interval {
        if (unit == null) {
            throw new IllegalArgumentException("interval unit is required");
        }
    }

    public static Interval hours(long n) {
        return new Interval(n, Unit.HOURS);
    }

    public static Interval days(long n) {
        return new Interval(n, Unit.DAYS);
    }

    public static Interval weeks(long n) {
        return new Interval(n, Unit.WEEKS);
    }

    /**
     * Parses {@code PT<n>H}, {@code P<n>D} or {@code P<n>W} and checks the bounds.
     *
     * @throws coffer.engine.error.CofferException {@code InvalidArgument} naming the text and what is wrong
     */
    public static Interval parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw Problems.invalid(field, "an interval is required, e.g. PT4H, P1D or P1W");
        }
        Matcher m = ISO.matcher(text);
        if (!m.matches()) {
            throw Problems.invalid(field, "'" + text + "' is not an interval Coffer supports: use exactly one "
                    + "of hours (PT<n>H), days (P<n>D) or weeks (P<n>W), e.g. PT4H, P1D, P1W" + hint(text));
        }
        Interval interval = m.group(3) != null ? hours(Long.parseLong(m.group(3)))
                : new Interval(Long.parseLong(m.group(1)), m.group(2).equals("D") ? Unit.DAYS : Unit.WEEKS);
        Problems problems = new Problems();
        interval.check(field, problems);
        if (!problems.isEmpty()) {
            throw Problems.invalid(field, "'" + text + "': " + problems.list().getFirst().message());
        }
        return interval;
    }

    private static String hint(String text) {
        if (text.matches("P\\d+[MY]")) {
            return " (months and years are not schedule intervals; use weeks)";
        }
        if (text.matches("PT\\d+[MS]")) {
            return " (the smallest interval is one hour)";
        }
        if (text.matches("P\\d+DT\\d+H")) {
            return " (combine nothing: express it in hours, e.g. PT30H)";
        }
        return "";
    }

    /** Adds a problem if the amount is outside this unit's bounds. */
    public void check(String field, Problems problems) {
        if (amount < 1 || amount > unit.max) {
            problems.add(field, "interval " + amount + " " + unit.name().toLowerCase()
                    + " is out of range: 1 to " + unit.max + " " + unit.name().toLowerCase());
        }
    }

    /** The interval's nominal length (days of 24 hours); a zoned schedule's real steps may differ by DST. */
    public Duration nominal() {
        return unit.nominal.multipliedBy(amount);
    }

    /** The ISO-8601 form: {@code PT4H}, {@code P1D}, {@code P1W}. */
    public String iso() {
        return unit.iso.formatted(amount);
    }

    @Override
    public String toString() {
        return iso();
    }
}
