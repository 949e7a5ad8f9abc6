package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The value rules operation records share, each adding a problem named by its field. Stateless.
 */
final class Rules {
    /** Names of instances, plans, groups, tokens: a letter or digit, then letters, digits, '.', '_', '+', '-'. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    /** Disk targets look like vda, sdb, hdc, xvda. */
    static final Pattern TARGET = Pattern.compile("[a-z]{1,4}[a-z0-9]{0,8}");
    /** A suffix makes new domain and file names: no '/', no spaces. */
    static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9._+-]{1,32}");
    /** The seed's longest retention, also the longest extension. */
    static final int MAX_DAYS = 65_536;
    /** The longest description of a point. */
    static final int MAX_DESCRIPTION = 256;

    private Rules() {
    }

    /** An optional value from a fixed set. */
    static void oneOf(Problems problems, String field, String value, java.util.Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            problems.add(field, "one of " + new java.util.TreeSet<>(allowed) + ", got '" + value + "'");
        }
    }

    /**
     * A list page's request: {@code since} before {@code until} when both are given, a cursor a server gave
     * ({@link coffer.engine.catalog.PageCursor}), a limit from 1 to {@code max}.
     */
    static void page(Problems problems, java.time.Instant since, java.time.Instant until, String cursor, Integer limit,
                     int max) {
        if (since != null && until != null && !since.isBefore(until)) {
            problems.add("until", "must be after since (" + since + "), got " + until);
        }
        cursorAndLimit(problems, cursor, c -> coffer.engine.catalog.PageCursor.decode("cursor", c), limit, max);
    }

    /** A page of a list ordered by name: its cursor ({@link coffer.engine.catalog.NameCursor}) and limit. */
    static void namePage(Problems problems, String cursor, Integer limit, int max) {
        cursorAndLimit(problems, cursor, c -> coffer.engine.catalog.NameCursor.decode("cursor", c), limit, max);
    }

    /** A cursor {@code decode} reads (it throws for one the server did not give) and a limit from 1 to {@code max}. */
    private static void cursorAndLimit(Problems problems, String cursor, java.util.function.Consumer<String> decode,
                                       Integer limit, int max) {
        if (cursor != null) {
            try {
                decode.accept(cursor);
            } catch (coffer.engine.error.CofferException e) {
                problems.add("cursor", "'" + cursor + "' is not a cursor this server gave (pass the previous page's"
                        + " nextCursor unchanged)");
            }
        }
        if (limit != null && (limit < 1 || limit > max)) {
            problems.add("limit", "a whole number from 1 to " + max + ", got '" + limit + "'");
        }
    }

    static void required(Problems problems, String field, String value, String what) {
        if (value == null || value.isBlank()) {
            problems.add(field, what + " is required");
        }
    }

    /** An optional name; {@code what} says what it names. */
    static void name(Problems problems, String field, String value, String what) {
        if (value != null && !NAME.matcher(value).matches()) {
            problems.add(field, what + "1 to 64 letters, digits, '.', '_', '+' or '-', got '" + value + "'");
        }
    }

    /** An optional note: at most {@link #MAX_DESCRIPTION} characters, no control characters. */
    static void description(Problems problems, String field, String text) {
        if (text != null && (text.length() > MAX_DESCRIPTION || text.chars().anyMatch(Character::isISOControl))) {
            problems.add(field, "at most " + MAX_DESCRIPTION + " characters without control characters, got "
                    + text.length() + " characters");
        }
    }

    static void days(Problems problems, String field, Integer days) {
        if (days != null && (days < 1 || days > MAX_DAYS)) {
            problems.add(field, "must be between 1 and " + MAX_DAYS + ", got " + days);
        }
    }

    /** Optional disk targets: each a target, each once; null stays null (all disks). */
    static List<String> targets(Problems problems, String field, List<String> disks) {
        if (disks == null) {
            return null;
        }
        for (String d : disks) {
            if (d == null || !TARGET.matcher(d).matches()) {
                problems.add(field, (d == null ? "nothing" : "'" + d + "'") + " is not a disk target (e.g. vda)");
            }
        }
        if (disks.stream().distinct().count() != disks.size()) {
            problems.add(field, "a disk is named twice");
        }
        return List.copyOf(disks.stream().map(d -> d == null ? "" : d).toList());
    }

    /** Instance references (UUIDs or names): at least one, each once. */
    static List<String> references(Problems problems, String field, List<String> references, String what) {
        if (references == null || references.isEmpty()) {
            problems.add(field, what);
            return List.of();
        }
        if (references.stream().anyMatch(r -> r == null || r.isBlank())) {
            problems.add(field, "an instance reference is empty");
        }
        if (references.stream().distinct().count() != references.size()) {
            problems.add(field, "an instance is named twice");
        }
        return List.copyOf(references.stream().map(r -> r == null ? "" : r).toList());
    }

    static void suffix(Problems problems, String field, String suffix) {
        if (suffix != null && !SUFFIX.matcher(suffix).matches()) {
            problems.add(field, "1 to 32 letters, digits, '.', '_', '+' or '-' appended to each member's name, got '"
                    + suffix + "'");
        }
    }

    static boolean flag(Boolean value) {
        return value != null && value;
    }

    private static final Pattern LIFETIME = Pattern.compile("([1-9][0-9]{0,6})(s|min|m|h|d|w)");

    /**
     * An optional lifetime ({@code 90s}, {@code 30min}, {@code 12h}, {@code 7d}, {@code 2w}, or ISO-8601 {@code PT12H}) of
     * at least one second and at most {@code max}; null when absent or wrong (the problem is added). The units are the
     * fixed lengths of docs/cli.md ("Lengths of time"); {@code m} is read as minutes too, as lifetimes always were (no
     * lifetime is months long).
     */
    static java.time.Duration lifetime(Problems problems, String field, String value, java.time.Duration max) {
        if (value == null) {
            return null;
        }
        java.time.Duration parsed = null;
        java.util.regex.Matcher m = LIFETIME.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            parsed = switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "min", "m" -> java.time.Duration.ofMinutes(n);
                case "h" -> java.time.Duration.ofHours(n);
                case "w" -> java.time.Duration.ofDays(7 * n);
                default -> java.time.Duration.ofDays(n);
            };
        } else {
            try {
                parsed = java.time.Duration.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                // named below
            }
        }
        if (parsed == null || parsed.toSeconds() < 1 || parsed.compareTo(max) > 0) {
            problems.add(field, "a lifetime such as 90s, 30min, 12h or 7d (at least 1 s, at most " + max.toDays()
                    + " days), got '" + value + "'");
            return null;
        }
        return parsed;
    }

    private static final Pattern BYTE_COUNT = Pattern.compile("(0|[1-9][0-9]{0,5})([KMGT]?)");

    /**
     * An optional byte count: a whole number of bytes, or with K, M, G or T (binary: {@code 64G} is 64 GiB), at most
     * six digits (at most 999999T); null when absent or wrong (the problem is added).
     */
    static Long byteCount(Problems problems, String field, String value) {
        if (value == null) {
            return null;
        }
        java.util.regex.Matcher m = BYTE_COUNT.matcher(value);
        if (!m.matches()) {
            problems.add(field, "a byte count such as 1G, 512M or 64G (a whole number, K, M, G or T: binary), got '" + value + "'");
            return null;
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift; // at most 999,999 T: far below 2^63
    }

    private static final Pattern DEVICE = Pattern.compile("/dev/[a-z0-9/_-]{1,60}");

    /** An optional absolute path in a guest's file system: no NUL, no control characters, at most 4096 bytes. */
    static void guestPath(Problems problems, String field, String path) {
        if (path != null && (!path.startsWith("/") || path.length() > 4096 || path.chars().anyMatch(Character::isISOControl))) {
            problems.add(field, "an absolute path in the guest's file system without control characters, got '"
                    + path.replaceAll("\\p{Cntrl}", "?") + "'");
        }
    }

    /**
     * With {@code escaped}, {@code path} (already checked by {@link #guestPath}) must be in the escaped form listings
     * print: every backslash starts a known escape ({@link coffer.engine.live.GuestNames#unescape}).
     */
    static void escapedGuestPath(Problems problems, String field, String path, Boolean escaped) {
        if (flag(escaped) && path != null && path.startsWith("/")) {
            try {
                coffer.engine.live.GuestPath.parseEscaped(path);
            } catch (coffer.engine.error.CofferException e) {
                problems.add(field, e.getMessage());
            }
        }
    }

    /** An optional file system device as libguestfs names it ({@code /dev/sda1}). */
    static void device(Problems problems, String field, String device) {
        if (device != null && !DEVICE.matcher(device).matches()) {
            problems.add(field, "a device as the file system list shows it (e.g. /dev/sda1), got '" + device + "'");
        }
    }
}
