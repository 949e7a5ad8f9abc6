package coffer.engine;

import java.util.Locale;

/**
 * A byte count as people read it: binary units with one decimal ("512 B", "12.3 MiB", "4.0 GiB"). The one home of
 * this wording, used by job logs and results, the CLI's text output and the console. Stateless.
 */
public final class ByteSize {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSize() {
    }

    /** {@code bytes} (≥ 0) in binary units. */
    public static String of(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a byte count below 0: " + bytes);
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
