package coffer.engine.instance;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.read.Locations;
import coffer.virt.domain.BackupXml;
import coffer.virt.domain.DiskSpec;
import coffer.virt.image.DiskImages;
import coffer.virt.image.QemuNbdServer;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.nbd.MetaContext;
import coffer.virt.nbd.NbdExportSink;
import coffer.virt.nbd.NbdExportSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An in-place restore of a qcow2 disk that writes only what differs from the disk as it is (docs/design/
 * change-tracking.md, "Quick rollback"). Let L be the instance's newest point, when the next backup would be an
 * incremental relative to it ({@link ChangeTracking}, the same decision): the disk then equals L except where the
 * dirty bitmap of L's checkpoint is set. Writing point P's data over (the chunks whose ids differ between P's and
 * L's indexes) and (the bitmap's dirty ranges) makes it exactly P. One writable {@code qemu-nbd} of the shut-off
 * image, exposing the bitmap, serves both: the bitmap is read through it when the disk is decided, and it stays open
 * (holding the image's lock, so the domain cannot start and write in between) until the data is written through it.
 * QEMU records the writes in every enabled persistent bitmap, so the checkpoints stay true: the next backup is an
 * incremental relative to L that reads the rolled-back ranges.
 *
 * <p>Anything that makes this unsafe or unknown decides a full write instead, with the reason ({@link #decide}).
 * Only host and vault data decide: the domain's definition, libvirt's checkpoints, the image's bitmaps (qemu-img,
 * qemu-nbd), the points' indexes; never the disk's content.
 *
 * <p>Stateless apart from its collaborators; one restore at a time per instance.
 */
final class QuickRollback {
    private final Libvirt libvirt;
    private final Vault vault;
    private final DomainInfo domain;
    private final PreviousPointRead.Base latest;
    private final List<String> checkpoints;
    private final String checkpoint;
    private final Set<String> checkpointDisks;
    private final int threads;

    /** How one disk is written: {@link Quick} or {@link Full}. */
    sealed interface Decision permits Quick, Full {
        PointManifest.Disk disk();

        long bytes();
    }

    /** Every byte of the point, for {@code reason}. */
    record Full(PointManifest.Disk disk, String reason) implements Decision {
        @Override
        public long bytes() {
            return disk.size();
        }
    }

    /**
     * Only {@code chunks} (ascending, each with the ranges inside it to write) of {@code index} (the restored
     * point's), over {@code file}, through {@code server}, the writable qemu-nbd of the image the dirty ranges were
     * read through: open from the decision to the write, it holds the image's lock, so the domain cannot start and
     * write between them. {@code since} is L. {@link #close} stops the server (idempotent).
     */
    record Quick(PointManifest point, PointManifest.Disk disk, Path file, FixedIndex index, List<Chunk> chunks,
                 long bytes, String since, QemuNbdServer server) implements Decision, AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /** Chunk {@code number} of the point's index, and the byte ranges of the disk inside it to write. */
    record Chunk(int number, List<Extent> ranges) {
    }

    private QuickRollback(Libvirt libvirt, Vault vault, DomainInfo domain, PreviousPointRead.Base latest,
                          List<String> checkpoints, String checkpoint, Set<String> checkpointDisks, int threads) {
        this.threads = threads;
        this.libvirt = libvirt;
        this.vault = vault;
        this.domain = domain;
        this.latest = latest;
        this.checkpoints = checkpoints;
        this.checkpoint = checkpoint;
        this.checkpointDisks = checkpointDisks;
    }

    /**
     * What the decisions for the shut-off {@code domain} need, asked once: its newest point in {@code vault} (the one
     * its next backup would start from) with its indexes, libvirt's checkpoints, and the disks that point's
     * checkpoint keeps a bitmap on. {@code threads}: the NBD connections a quick write uses.
     */
    static QuickRollback of(Libvirt libvirt, Vault vault, DomainInfo domain, int threads) throws IOException {
        PreviousPointRead.Base latest = PreviousPointRead.read(vault, domain.uuid(), Set.of());
        List<String> checkpoints = libvirt.checkpoints(domain.name());
        String checkpoint = latest.point() == null ? null : PointFacts.of(latest.point()).checkpoint();
        Set<String> disks = checkpoint != null && checkpoints.contains(checkpoint)
                ? Set.copyOf(BackupXml.bitmapDisksOf(libvirt.checkpointXml(domain.name(), checkpoint))) : Set.of();
        return new QuickRollback(libvirt, vault, domain, latest, List.copyOf(checkpoints), checkpoint, disks, threads);
    }

    /**
     * How disk {@code disk} of {@code point} is written over {@code file}: {@code current} is the disk in the domain's
     * definition now (null: none), {@code storedFormat} its format in the point's definition. A {@link Quick} holds
     * the image's qemu-nbd until written or closed.
     */
    Decision decide(PointManifest point, PointManifest.Disk disk, DiskSpec current, Path file, String storedFormat)
            throws IOException {
        try {
            return decideOrFail(point, disk, current, file, storedFormat);
        } catch (InterruptedIOException cancelled) {
            throw cancelled;
        } catch (IOException | RuntimeException e) {
            // a fact that cannot be read is a doubt: the full write (which meets a real problem again, and fails)
            return new Full(disk, "change tracking could not be checked: " + e.getMessage());
        }
    }

    private Decision decideOrFail(PointManifest point, PointManifest.Disk disk, DiskSpec current, Path file,
                                  String storedFormat) throws IOException {
        if (current == null) {
            return new Full(disk, "the instance has no disk " + disk.name() + " now");
        }
        if (!current.bitmapCapable()) {
            return new Full(disk, current.formatOrRaw() + " disk: no dirty bitmap tells what changed since a point");
        }
        if (!"qcow2".equals(storedFormat) || current.source() == null || !Path.of(current.source()).equals(file)) {
            return new Full(disk, "the disk's file or format is not the one point " + point.id() + " recorded");
        }
        long size = libvirt.blockInfo(domain.name(), current.target()).capacity();
        Set<String> bitmaps = InstanceBackup.consistentBitmaps(DiskImages.inspect(file, "qcow2"));
        PointManifest base = latest.point();
        DiskPlan plan = ChangeTracking.plan(new ChangeTracking.Facts(current, base == null ? null : base.id(),
                latest.indexes().get(disk.name()), latest.problems().get(disk.name()), checkpoint,
                Set.copyOf(checkpoints), checkpointDisks, bitmaps, size));
        if (!plan.incremental()) {
            return new Full(disk, "no change tracking to start from: " + (plan.reason() != null ? plan.reason()
                    : "the instance has no earlier point"));
        }
        FixedIndex target = vault.readIndex(point, disk);
        FixedIndex since = plan.base();
        if (target.diskSize() != size || since.diskSize() != size) {
            return new Full(disk, "disk size differs: " + size + " bytes now, " + target.diskSize() + " in point "
                    + point.id() + ", " + since.diskSize() + " in point " + plan.basePoint());
        }
        if (target.chunkSize() != since.chunkSize()) {
            return new Full(disk, "points " + point.id() + " and " + plan.basePoint() + " have different chunk sizes");
        }
        // the writable qemu-nbd the data will be written through, started now: from here to the write it holds the
        // image's lock, so what its bitmap says stays all that changed (the backing file followed, as QEMU opens the
        // image when the domain runs and as a shut-off backup reads it)
        QemuNbdServer server;
        try {
            server = QemuNbdServer.start(file, QemuNbdServer.Options.writable("qcow2").withBackingFollowed()
                    .withConnections(threads + 1).withBitmaps(List.of(plan.checkpoint())));
        } catch (InterruptedIOException cancelled) {
            throw cancelled;
        } catch (IOException | RuntimeException e) {
            return new Full(disk, "qemu-nbd could not open the disk with bitmap " + plan.checkpoint() + ": "
                    + e.getMessage());
        }
        boolean kept = false;
        try {
            List<Extent> dirty = dirtyRanges(server, plan.checkpoint(), size);
            if (dirty == null) {
                return new Full(disk, "qemu-nbd did not expose the dirty bitmap " + plan.checkpoint());
            }
            List<Chunk> chunks = chunksToWrite(target, since, dirty, (index, i) -> vault.readPatch(index.get(i),
                    index.patchOf(i), index.lengthOf(i), false).ranges());
            long bytes = chunks.stream().flatMap(c -> c.ranges().stream()).mapToLong(Extent::length).sum();
            kept = true;
            return new Quick(point, disk, file, target, chunks, bytes, plan.basePoint(), server);
        } catch (InterruptedIOException cancelled) {
            throw cancelled;
        } catch (IOException | RuntimeException e) {
            return new Full(disk, "the dirty bitmap " + plan.checkpoint() + " could not be read: " + e.getMessage());
        } finally {
            if (!kept) {
                server.close();
            }
        }
    }

    /**
     * Whether the newest point's checkpoint keeps a bitmap on disk {@code target}: a disk written in full (a new file,
     * without bitmaps) then leaves the checkpoint unable to follow it (libvirt refuses to delete a checkpoint whose
     * bitmap a disk lacks), so no disk of the restore may keep the checkpoints.
     */
    boolean checkpointFollows(String target) {
        return checkpointDisks.contains(target);
    }

    /**
     * The ranges bitmap {@code bitmap} marks dirty, read through {@code server} (which exposes it) before anything is
     * written; null when the server did not expose it.
     */
    private static List<Extent> dirtyRanges(QemuNbdServer server, String bitmap, long size) throws IOException {
        String context = MetaContext.dirtyBitmap(bitmap);
        try (NbdExportSource source = NbdExportSource.open(server.export(), 1, List.of(context))) {
            if (!source.metaContexts().contains(context)) {
                return null;
            }
            if (source.size() != size) {
                throw new IOException("qemu-nbd serves " + source.size() + " bytes, libvirt says " + size);
            }
            return source.dirtyExtents(context, 0, size);
        }
    }

    /** The ranges, relative to its chunk, that patch entry {@code i} of {@code index} replaces. */
    @FunctionalInterface
    interface PatchRanges {
        List<Extent> of(FixedIndex index, int i) throws IOException;
    }

    /**
     * Per chunk of {@code target} that must be written, the byte ranges of the disk inside it: of a chunk whose entry
     * is the same in {@code since} (the same id and patch record: a patch's id names its base too, so equal entries
     * are equal data) the parts {@code dirty} (ascending, disjoint) covers; of a chunk whose entries differ but stand
     * on the same stored chunk (one is a patch over the other's chunk, or both patches over one base: outside a
     * patch's ranges its chunk is its base's bytes) the patches' ranges and the dirty parts; of any other the whole
     * chunk. Chunks with nothing to write are left out.
     */
    static List<Chunk> chunksToWrite(FixedIndex target, FixedIndex since, List<Extent> dirty, PatchRanges patches)
            throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        int chunkSize = target.chunkSize();
        int d = 0;
        for (int i = 0; i < target.chunkCount(); i++) {
            long start = (long) i * chunkSize;
            long end = start + target.lengthOf(i);
            while (d < dirty.size() && dirty.get(d).offset() + dirty.get(d).length() <= start) {
                d++;
            }
            List<Extent> ranges = new ArrayList<>();
            for (int k = d; k < dirty.size() && dirty.get(k).offset() < end; k++) {
                Extent e = dirty.get(k);
                long from = Math.max(start, e.offset());
                long to = Math.min(end, e.offset() + e.length());
                if (to > from) {
                    ranges.add(new Extent(from, to - from));
                }
            }
            FixedIndex.Patched targetPatch = target.patchOf(i);
            FixedIndex.Patched sincePatch = since.patchOf(i);
            boolean same = target.get(i).equals(since.get(i)) && Objects.equals(targetPatch, sincePatch);
            if (!same) {
                ChunkId targetBase = targetPatch != null ? targetPatch.base() : target.get(i);
                ChunkId sinceBase = sincePatch != null ? sincePatch.base() : since.get(i);
                if (targetBase.isZero() || !targetBase.equals(sinceBase)) {
                    chunks.add(new Chunk(i, List.of(new Extent(start, end - start))));
                    continue;
                }
                if (targetPatch != null) {
                    patches.of(target, i).forEach(r -> ranges.add(new Extent(start + r.offset(), r.length())));
                }
                if (sincePatch != null) {
                    patches.of(since, i).forEach(r -> ranges.add(new Extent(start + r.offset(), r.length())));
                }
            }
            if (!ranges.isEmpty()) {
                chunks.add(new Chunk(i, merged(ranges, start, end)));
            }
        }
        return chunks;
    }

    /** {@code ranges} sorted, overlapping or touching ones joined, clipped to {@code [start, end)}. */
    private static List<Extent> merged(List<Extent> ranges, long start, long end) {
        List<Extent> sorted = new ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingLong(Extent::offset));
        List<Extent> result = new ArrayList<>();
        long from = -1;
        long to = -1;
        for (Extent r : sorted) {
            long rFrom = Math.max(start, r.offset());
            long rTo = Math.min(end, r.offset() + r.length());
            if (rTo <= rFrom) {
                continue;
            }
            if (from >= 0 && rFrom <= to) {
                to = Math.max(to, rTo);
            } else {
                if (from >= 0) {
                    result.add(new Extent(from, to - from));
                }
                from = rFrom;
                to = rTo;
            }
        }
        if (from >= 0) {
            result.add(new Extent(from, to - from));
        }
        return List.copyOf(result);
    }

    /**
     * Writes a quick decision's ranges through its writable qemu-nbd (QEMU loaded the image's persistent bitmaps,
     * records the writes in them and stores them when qemu-nbd stops), then stops it; {@code progress} advances by the
     * bytes written. A failure or cancellation stops qemu-nbd too and leaves the disk partly written, as a failed
     * in-place full write over a device does.
     */
    void write(Quick quick, Progress progress) throws IOException {
        FixedIndex index = quick.index();
        int workers = Math.max(threads, vault.backend().ioParallelism());
        try (Quick served = quick;
             NbdExportSink sink = NbdExportSink.open(served.server().export(), threads)) {
            if (sink.size() != index.diskSize()) {
                throw new IOException(quick.file() + " holds " + sink.size() + " bytes, point " + quick.point().id()
                        + " disk " + quick.disk().name() + " " + index.diskSize());
            }
            ChunkWorkers.run(quick.chunks().size(), workers, index.chunkSize(), (n, buffer) -> {
                Chunk chunk = quick.chunks().get(n);
                long chunkStart = (long) chunk.number() * index.chunkSize();
                long written = 0;
                if (index.isZero(chunk.number())) {
                    for (Extent range : chunk.ranges()) {
                        sink.writeZeroes(range.offset(), range.length());
                        written += range.length();
                    }
                } else {
                    try {
                        vault.readEntry(index, chunk.number(), buffer, false);
                    } catch (CorruptDataException e) {
                        throw e.at(Locations.of(quick.point(), quick.disk(), chunkStart, index.lengthOf(chunk.number())));
                    }
                    for (Extent range : chunk.ranges()) {
                        sink.write(range.offset(), ByteBuffer.wrap(buffer, (int) (range.offset() - chunkStart),
                                (int) range.length()));
                        written += range.length();
                    }
                }
                progress.advance(written);
            });
            sink.commit();
        }
    }
}
