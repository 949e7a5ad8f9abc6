package coffer.vault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    /**
     * The id of the replica of point {@code pointId} of vault {@code sourceVaultId} in vault {@code destinationVaultId}:
     * the point's own time, then 32 bits of SHA-256 over the three. The same for every attempt, so a replication run
     * again after a crash writes the same point, and different in each destination (docs/design/replication.md).
     */
    public static String replicaId(String sourceVaultId, String pointId, String destinationVaultId) {
        if (!isId(pointId)) {
            throw new IllegalArgumentException("'" + pointId + "' is not a point id");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("coffer-replica:" + sourceVaultId + ":" + pointId
                    + ":" + destinationVaultId).getBytes(StandardCharsets.UTF_8));
            return pointId.substring(0, 16) + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * The second {@code at} falls in, as ids begin ({@code yyyyMMdd-HHmmss}, UTC): ids compare with it as strings, so
     * the points of a time window are found from a listing of ids alone, without reading manifests.
     */
    public static String second(Instant at) {
        return TIME.format(at);
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
