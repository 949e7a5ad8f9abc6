package coffer.engine.operation;

import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.PointFacts;
import coffer.vault.PointManifest;

import java.time.Instant;
import java.util.List;

/**
 * One point in full: what {@link PointView} shows, and from its manifest its description, the point it started from, why its
 * consistency is lower than asked, the freeze window, each disk's source, format, how it was read and what it
 * stored, and the disks skipped. The same offline (the manifest) and through a server (its row and manifest).
 */
public record PointDetail(String id, String vault, String instance, String instanceName, Instant createdAt, String status,
                          String description, String consistency, String consistencyReason, Long freezeMillis, long logicalBytes,
                          long storedBytes, Instant expiresAt, String job, String parent, List<Disk> disks,
                          List<BackupResult.SkippedDisk> skipped) {

    /**
     * One disk: its logical size and the bytes it added to the vault; where it was read from and its format; how
     * it was read ({@code full} or {@code incremental}, why full); its data chunks, the new ones, and bytes read.
     */
    public record Disk(String target, long logicalBytes, long storedBytes, String source, String format, String mode,
                       String reason, long dataChunks, long newChunks, long readBytes) {
    }

    public static PointDetail of(PointRecord row, PointManifest manifest, Instant now) {
        PointView view = PointView.of(row, now);
        PointFacts facts = PointFacts.of(manifest);
        List<Disk> disks = manifest.disks().stream().map(d -> {
            PointFacts.Disk read = facts.disk(d.name());
            return new Disk(d.name(), d.size(), d.newStoredBytes(), d.source(), d.sourceFormat(),
                    read == null ? null : read.mode(), read == null ? null : read.reason(), d.dataChunks(), d.newChunks(),
                    d.readBytes());
        }).toList();
        return new PointDetail(view.id(), view.vault(), view.instance(), view.instanceName(), view.createdAt(), view.status(),
                facts.description(), view.consistency(), facts.consistency() == null ? null : facts.consistency().reason(),
                facts.consistency() == null ? null : facts.consistency().freezeMillis(), view.logicalBytes(),
                view.storedBytes(), view.expiresAt(), view.job(), manifest.parent(), disks,
                manifest.skipped().stream().map(s -> new BackupResult.SkippedDisk(s.name(), s.reason())).toList());
    }
}
