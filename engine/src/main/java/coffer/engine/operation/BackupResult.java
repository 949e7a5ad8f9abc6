package coffer.engine.operation;

import coffer.engine.instance.PointFacts;
import coffer.engine.instance.DiskPlan;
import coffer.engine.instance.InstanceBackup;
import coffer.vault.PointManifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a backup of an instance made: the point, its consistency (and why it is lower than asked), each disk
 * with how it was read, the disks skipped, and warnings that did not fail the backup.
 */
public record BackupResult(String point, String name, String instance, Instant createdAt, String description,
                           String consistency, String consistencyReason, Long freezeMillis, long logicalBytes,
                           List<BackedUpDisk> disks, List<SkippedDisk> skipped, List<String> warnings) {

    /** One disk of the point: its size, {@code full} or {@code incremental} (and why full), what was read and stored. */
    public record BackedUpDisk(String target, long size, String mode, String reason, long readBytes, long newChunks,
                               long newStoredBytes) {
    }

    /** A disk not backed up, with the reason. */
    public record SkippedDisk(String target, String reason) {
    }

    /** The point's consistency level (CRASH when a point of an old Coffer recorded none). */
    static String level(PointManifest point) {
        return point.consistency() == null ? "CRASH" : point.consistency();
    }

    /** This result with {@code more} warnings after its own (a change alert raised on the point). */
    public BackupResult withWarnings(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(warnings);
        all.addAll(more);
        return new BackupResult(point, name, instance, createdAt, description, consistency, consistencyReason,
                freezeMillis, logicalBytes, disks, skipped, List.copyOf(all));
    }

    /**
     * The result of a point known only from its manifest (its backup's worker died after the commit, and the point was
     * adopted: docs/design/catalog.md): how each disk was read comes from its facts, what was read and stored from the
     * manifest; no warnings.
     */
    public static BackupResult ofManifest(PointManifest point) {
        PointFacts facts = PointFacts.of(point);
        List<BackedUpDisk> disks = new ArrayList<>();
        for (PointManifest.Disk d : point.disks()) {
            PointFacts.Disk read = facts.disk(d.name());
            disks.add(new BackedUpDisk(d.name(), d.size(), read == null || read.mode() == null ? "full" : read.mode(),
                    read == null ? null : read.reason(), d.readBytes(), d.newChunks(), d.newStoredBytes()));
        }
        return new BackupResult(point.id(), point.name(), facts.uuid(), point.createdAt(), facts.description(), level(point),
                facts.consistency() == null ? null : facts.consistency().reason(),
                facts.consistency() == null ? null : facts.consistency().freezeMillis(), point.logicalBytes(), disks,
                point.skipped().stream().map(s -> new SkippedDisk(s.name(), s.reason())).toList(), List.of());
    }

    public static BackupResult of(InstanceBackup.Result result) {
        PointManifest point = result.point();
        PointFacts facts = PointFacts.of(point);
        List<BackedUpDisk> disks = new ArrayList<>();
        for (PointManifest.Disk d : point.disks()) {
            DiskPlan plan = result.plans().stream().filter(p -> p.target().equals(d.name())).findFirst().orElse(null);
            disks.add(new BackedUpDisk(d.name(), d.size(), plan == null ? "full" : plan.mode().name().toLowerCase(),
                    plan == null ? null : plan.reason(), d.readBytes(), d.newChunks(), d.newStoredBytes()));
        }
        return new BackupResult(point.id(), point.name(), facts.uuid(), point.createdAt(), facts.description(), level(point),
                facts.consistency() == null ? null : facts.consistency().reason(),
                facts.consistency() == null ? null : facts.consistency().freezeMillis(), point.logicalBytes(), disks,
                point.skipped().stream().map(s -> new SkippedDisk(s.name(), s.reason())).toList(), result.warnings());
    }
}
