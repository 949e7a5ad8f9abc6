package coffer.vault.maintenance;

import java.time.Instant;
import java.util.List;

/**
 * Capacity of a vault. {@code dataBytes}: non-zero bytes of every disk of every point (what copies would
 * store); {@code uniqueBytes}: plaintext of the distinct chunks (of a chunk patch: the bytes it replaces);
 * {@code chunks} counts patches as chunks; {@code storedBytes}: their size in the
 * backend (compressed, encrypted). Dedup ratio = data / unique; compression ratio = unique / stored.
 * {@code unreferenced*}: chunks no point uses (gc reclaims them). Immutable.
 */
public record VaultStats(int points, long logicalBytes, long dataBytes, long chunks, long uniqueBytes,
                         long storedBytes, long unreferencedChunks, long unreferencedBytes, List<PointStats> perPoint) {

    public double dedupRatio() {
        return uniqueBytes == 0 ? 1.0 : (double) dataBytes / uniqueBytes;
    }

    public double compressionRatio() {
        return storedBytes == 0 ? 1.0 : (double) uniqueBytes / storedBytes;
    }

    /** One point: its logical size and, per disk, what it added to the vault when written. */
    public record PointStats(String id, String name, Instant createdAt, long logicalBytes, List<DiskStats> disks) {
    }

    public record DiskStats(String name, long size, long dataChunks, long newChunks, long newStoredBytes) {
    }
}
