package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointFacts;
import coffer.vault.PointManifest;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Optional;

/**
 * What a replica records of the point it was copied from: the source's region, vault name, vault id and point id,
 * the {@code replica} section of its typed facts (docs/format/manifest.md, "Replicas"; manifests before version 3
 * kept them as {@code replica.*} attributes, still read). Versioned on their own ({@code version}): a reader refuses
 * a newer version than it knows ({@code UnsupportedFormat}). Immutable.
 */
public record ReplicaFacts(int version, String region, String vault, String vaultId, String point) {
    /** Version 1: region, vault, vaultId, point. */
    public static final int VERSION = 1;

    public static ReplicaFacts of(String region, String vault, String vaultId, String point) {
        return new ReplicaFacts(VERSION, region, vault, vaultId, point);
    }

    /** The facts of a replica, empty for a point that is not one. */
    public static Optional<ReplicaFacts> of(PointManifest point) {
        PointFacts.Replica r = PointFacts.of(point).replica();
        if (r == null) {
            return Optional.empty();
        }
        if (r.version() < 1 || r.version() > VERSION) {
            throw new CofferException(ErrorCode.UnsupportedFormat, "point " + point.id() + ": replica facts of version "
                    + (r.version() == Integer.MAX_VALUE ? "(unreadable)" : r.version()) + "; this Coffer reads up to version "
                    + VERSION);
        }
        return Optional.of(new ReplicaFacts(r.version(), r.region(), r.vault(), r.vaultId(), r.point()));
    }

    /**
     * The facts of the replica of {@code source} as its manifest records them: the source's facts (instance,
     * definition, disks, consistency, group) less those of its own life (its expiry, the plan and policy that keep
     * it) and of an earlier replication, then these facts and the replica's own expiry ({@code expires}, null: never).
     */
    public JsonNode factsFor(PointManifest source, Instant expires) {
        return PointFacts.of(source).asReplica(new PointFacts.Replica(version, region, vault, vaultId, point), expires)
                .json();
    }
}
