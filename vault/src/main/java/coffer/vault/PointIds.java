package coffer.vault;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Point ids: {@code yyyyMMdd-HHmmss-xxxxxxxx}, UTC time then 32 random bits; sort by time. Stateless. */
public final class PointIds {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-f]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PointIds() {
    }

    public static String newId(Instant at) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return TIME.format(at) + "-" + HexFormat.of().formatHex(random);
    }

    /** True when {@code id} has the form of a point id. */
    public static boolean isId(String id) {
        return ID.matcher(id).matches();
    }

    public static String check(String id) throws PointNotFoundException {
        if (!ID.matcher(id).matches()) {
            throw new PointNotFoundException("'" + id + "' is not a point id (expected yyyyMMdd-HHmmss-xxxxxxxx)");
        }
        return id;
    }
}
