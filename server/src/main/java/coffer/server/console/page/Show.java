package coffer.server.console.page;

import coffer.engine.ByteSize;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the templates write values: sizes in binary units, instants in UTC to the second, durations short. Stateless. */
public final class Show {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Show() {
    }

    public static String bytes(long bytes) {
        if (bytes < 0) {
            return "–";
        }
        return ByteSize.of(bytes);
    }

    public static String time(Instant at) {
        return at == null ? "–" : TIME.format(at);
    }

    public static String ratio(Double ratio) {
        return ratio == null ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    public static String seconds(long seconds) {
        return seconds < 0 ? "–" : Duration.ofSeconds(seconds).toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** A whole percentage of done against total; 0 when the total is unknown. */
    public static int percent(long done, long total) {
        return total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
    }

    /** A query parameter as given, or null when absent or blank. */
    public static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The link to a paged list's next page ({@code path?cursor=…}), or null on its last page. */
    public static String nextPage(String path, String nextCursor) {
        return nextCursor == null ? null : path + "?cursor=" + query(nextCursor);
    }

    /** A URL query value. */
    public static String query(String value) {
        return value == null ? "" : java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
