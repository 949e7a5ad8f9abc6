package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointAttributes;
import coffer.vault.PointManifest;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a replica records of the point it was copied from, in its manifest's attributes (docs/format/manifest.md,
 * "attributes of replicas"), versioned on their own ({@code replica.version}): the source's region, vault name, vault
 * id and point id. A reader refuses a newer version than it knows ({@code UnsupportedFormat}). Immutable.
 */
public record ReplicaFacts(int version, String region, String vault, String vaultId, String point) {
    /** Version 1: region, vault, vaultId, point. */
    public static final int VERSION = 1;
    public static final String VERSION_KEY = "replica.version";
    public static final String REGION = "replica.region";
    public static final String VAULT = "replica.vault";
    public static final String VAULT_ID = "replica.vaultId";
    public static final String POINT = "replica.point";

    public static ReplicaFacts of(String region, String vault, String vaultId, String point) {
        return new ReplicaFacts(VERSION, region, vault, vaultId, point);
    }

    /** The facts of a replica, empty for a point that is not one. */
    public static Optional<ReplicaFacts> of(PointManifest point) {
        Map<String, String> a = point.attributes();
        String version = a.get(VERSION_KEY);
        if (version == null) {
            return Optional.empty();
        }
        int v;
        try {
            v = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            v = Integer.MAX_VALUE;
        }
        if (v < 1 || v > VERSION) {
            throw new CofferException(ErrorCode.UnsupportedFormat, "point " + point.id() + ": replica facts of version "
                    + version + "; this Coffer reads up to version " + VERSION);
        }
        return Optional.of(new ReplicaFacts(v, a.get(REGION), a.get(VAULT), a.get(VAULT_ID), a.get(POINT)));
    }

    /**
     * The attributes of the replica of {@code source}: the source's facts (instance, definition, disks, consistency,
     * group) less those of its own life (its expiry, the plan and policy that keep it), then these facts and the
     * replica's own expiry ({@code expires}, null: never).
     */
    public Map<String, String> attributesFor(PointManifest source, Instant expires) {
        Map<String, String> attributes = new HashMap<>(source.attributes());
        attributes.keySet().removeIf(key -> key.startsWith("replica."));
        attributes.remove(PointAttributes.EXPIRES);
        attributes.remove(PointAttributes.PLAN);
        attributes.remove(PointAttributes.POLICY);
        attributes.remove(PointAttributes.POLICY_IMMUTABLE);
        if (expires != null) {
            attributes.put(PointAttributes.EXPIRES, expires.toString());
        }
        attributes.put(VERSION_KEY, Integer.toString(version));
        attributes.put(REGION, region);
        attributes.put(VAULT, vault);
        attributes.put(VAULT_ID, vaultId);
        attributes.put(POINT, point);
        return attributes;
    }
}
