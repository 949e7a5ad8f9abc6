package coffer.engine.operation;

import coffer.engine.replication.PointReplication;

/**
 * A point replicated: the source point, the replica's id and where it is (region, vault), the replica it started from
 * ({@code base}, null: none), what crossed to the destination ({@code bytesMoved}: sealed bytes of the chunks and patches
 * stored there, {@code chunksCopied}: how many), what was not sent ({@code chunksSkipped}: index entries taken from the
 * base replica unread), the plaintext read from the source, the point's logical bytes, whether the replica existed
 * already (nothing copied), and how long it took.
 */
public record ReplicateResult(String point, String replica, String region, String vault, String base, long bytesMoved,
                              long chunksCopied, long chunksSkipped, long bytesRead, long logicalBytes,
                              boolean alreadyThere, double seconds) {
    public static ReplicateResult of(PointReplication.Result r, String region, String vault) {
        return new ReplicateResult(r.pointId(), r.replicaId(), region, vault, r.base(), r.storedBytes(), r.newObjects(),
                r.reusedEntries(), r.readBytes(), r.replica().logicalBytes(), r.alreadyThere(),
                r.elapsed().toMillis() / 1000.0);
    }

    /**
     * What a replication took from the destination's replica of an earlier point, in words: {@code "N taken from
     * replica R"}, or, when the destination held no earlier replica ({@code base} null), that this replica is a full
     * one (before, "0 taken from replica null").
     */
    public static String reuse(long chunksSkipped, String base) {
        return base == null ? "a full replica (no earlier replica in the destination)"
                : chunksSkipped + " taken from replica " + base;
    }
}
