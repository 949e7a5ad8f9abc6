package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import picocli.CommandLine;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Period;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes ({@code 512K}, {@code 4MiB}, {@code 1048576}) and the command line's one syntax for lengths of
 * time (docs/cli.md): a whole number and a unit, {@code s} seconds, {@code min} minutes, {@code h} hours,
 * {@code d} days, {@code w} weeks, {@code m} months, {@code y} years ({@code 1h}, {@code 7d}, {@code 4w},
 * {@code 6m}, {@code 1y}), or ISO-8601 ({@code PT1H}, {@code P7D}, {@code P6M}). {@code 0} alone is zero.
 * Fixed lengths (a grace period, a timeout) take s to w; retention periods take d to y; schedule intervals
 * h, d, w. Stateless.
 */
final class Values {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,9})\\s*(s|min|h|d|w|m|y)");

    private Values() {
    }

    /** A length of time as an amount and a unit ({@code s min h d w m y}). */
    record Amount(long amount, String unit) {
        static Amount parse(String text) {
            String t = text.trim();
            if (t.equals("0")) {
                return new Amount(0, "s");
            }
            Matcher m = AMOUNT.matcher(t);
            if (m.matches()) {
                return new Amount(Long.parseLong(m.group(1)), m.group(2));
            }
            if (t.startsWith("P") || t.startsWith("p")) {
                String upper = t.toUpperCase(Locale.ROOT);
                if (upper.contains("T")) {
                    try {
                        Duration d = Duration.parse(upper);
                        if (d.isNegative()) {
                            throw bad(text);
                        }
                        return d.toSeconds() % 3600 == 0 ? new Amount(d.toHours(), "h")
                                : d.toSeconds() % 60 == 0 ? new Amount(d.toMinutes(), "min") : new Amount(d.toSeconds(), "s");
                    } catch (DateTimeException e) {
                        throw bad(text);
                    }
                }
                try {
                    Period p = Period.parse(upper);
                    if (p.isNegative() || (p.getYears() != 0 ? 1 : 0) + (p.getMonths() != 0 ? 1 : 0) + (p.getDays() != 0 ? 1 : 0) > 1) {
                        throw bad(text);
                    }
                    return p.getYears() != 0 ? new Amount(p.getYears(), "y") : p.getMonths() != 0 ? new Amount(p.getMonths(), "m")
                            : upper.endsWith("W") ? new Amount(p.getDays() / 7, "w") : new Amount(p.getDays(), "d");
                } catch (DateTimeException e) {
                    throw bad(text);
                }
            }
            throw bad(text);
        }

        /** A fixed length; months and years have none. */
        Duration duration(String option) {
            return switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "min" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                case "w" -> Duration.ofDays(7 * amount);
                default -> throw new CofferException(ErrorCode.InvalidArgument, option + ": " + amount + unit + " is "
                        + amount + (unit.equals("m") ? " month(s)" : " year(s)") + ", which have no fixed length; give s, min, h, d"
                        + " or w (minutes are 'min')");
            };
        }

        private static CommandLine.TypeConversionException bad(String text) {
            return new CommandLine.TypeConversionException("'" + text + "' is not a length of time: a whole number and a unit"
                    + " (s, min, h, d, w, m for months, y), e.g. 1h, 7d, 4w, 6m, 1y, or ISO-8601 such as PT1H or P7D");
        }
    }

    /** How {@link DurationConverter} writes a duration back: {@code 1h}, {@code 90s}, {@code 0}. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "0";
        }
        if (s % (7 * 86400) == 0) {
            return s / (7 * 86400) + "w";
        }
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "min" : s + "s";
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 512K, 4M, 1048576)");
            }
            long number = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            if (Long.numberOfLeadingZeros(number) <= shift) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too large");
            }
            return number << shift;
        }
    }

    /** A fixed length of time: {@code 0}, {@code 30s}, {@code 15min}, {@code 24h}, {@code 7d}, {@code 2w}, {@code PT1H}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Amount amount = Amount.parse(value);
            try {
                return amount.duration("duration");
            } catch (CofferException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().substring("duration: ".length()));
            }
        }
    }

    /** A retention period in the API's form: {@code 7d}, {@code 4w}, {@code 6m}, {@code 1y} (also {@code P7D}), or {@code forever}. */
    static final class PeriodConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.trim().equals("forever")) {
                return "forever";
            }
            Amount amount = Amount.parse(value);
            if (!"dwmy".contains(amount.unit()) || amount.unit().equals("min")) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a retention period: days, weeks,"
                        + " months or years, e.g. 7d, 4w, 6m, 1y (or forever)");
            }
            return amount.amount() + amount.unit();
        }
    }

    /** A schedule interval in the API's form (ISO-8601): {@code 4h} → {@code PT4H}, {@code 1d} → {@code P1D}, {@code 1w} → {@code P1W}. */
    static final class IntervalConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            Amount amount = Amount.parse(value);
            return switch (amount.unit()) {
                case "h" -> "PT" + amount.amount() + "H";
                case "d" -> "P" + amount.amount() + "D";
                case "w" -> "P" + amount.amount() + "W";
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a schedule interval: hours,"
                        + " days or weeks, e.g. 4h, 1d, 1w (the smallest interval is one hour; months and years are not"
                        + " intervals, use weeks)");
            };
        }
    }
}
