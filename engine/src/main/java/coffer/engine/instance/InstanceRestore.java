package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.image.DiskFileRestore;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Brings disks and instances back from instance points.
 * <ul>
 *   <li>{@link #disk}: one disk to a new file, or in place over the instance's disk (instance shut off).</li>
 *   <li>{@link #asNewInstance}: a new domain from the stored definition with a new name, UUID and MAC
 *       addresses, each backed-up disk written to a new file beside the original; optionally started.</li>
 *   <li>{@link #inPlace}: every backed-up disk written over the shut-off original, its definition restored.</li>
 * </ul>
 * Files appear only complete ({@link DiskFileRestore}), and only where {@link RestoreDirectories} allows (a
 * server restricts them; the offline command line does not).
 * An in-place restore of a qcow2 disk is a quick rollback when change tracking allows it: only what changed since
 * the instance's newest point, or differs between that point and the restored one, is written, and the checkpoints
 * stay, so the next backup is an incremental ({@link QuickRollback}; docs/design/change-tracking.md, "Quick
 * rollback"). Otherwise, or when asked, every byte is written; when no disk was rolled back quickly the instance's
 * checkpoints no longer describe its disks and are removed, so the next backup reads in full. Each in-place disk's
 * {@link InPlaceWrite} says which way it went and why.
 *
 * <p>Stateless apart from its collaborators; not meant for concurrent restores of one instance.
 */
public final class InstanceRestore {
    private final Libvirt libvirt;
    private final Vault vault;
    private final int threads;
    private final RestoreDirectories directories;

    /** Restores that may write anywhere their user may: for the offline command line. */
    public InstanceRestore(Libvirt libvirt, Vault vault, int threads) {
        this(libvirt, vault, threads, RestoreDirectories.anywhere());
    }

    /** Restores that create files only where {@code directories} allows (a server's restores). */
    public InstanceRestore(Libvirt libvirt, Vault vault, int threads, RestoreDirectories directories) {
        this.libvirt = libvirt;
        this.vault = vault;
        this.threads = threads > 0 ? threads : ChunkWorkers.defaultThreads();
        this.directories = java.util.Objects.requireNonNull(directories, "directories");
        coffer.vault.JitWarmup.startInBackground(vault);
    }

    /** @param write in place: how the disk was written; null for a new file */
    public record DiskResult(PointManifest point, String disk, Path file, InPlaceWrite write) {
        public DiskResult(PointManifest point, String disk, Path file) {
            this(point, disk, file, null);
        }
    }

    /** @param writes in place: how each disk was written, by target; empty for a new instance */
    public record InstanceResult(PointManifest point, String name, Map<String, Path> disks, boolean started,
                                 Map<String, InPlaceWrite> writes) {
        public InstanceResult {
            writes = Map.copyOf(writes);
        }

        public InstanceResult(PointManifest point, String name, Map<String, Path> disks, boolean started) {
            this(point, name, disks, started, Map.of());
        }
    }

    /** One disk of a point to write over the instance's own file, whose format the point's definition gives. */
    private record InPlaceTarget(PointManifest.Disk disk, Path file, String storedFormat) {
    }

    /** Restores one disk to {@code target}, or over the instance's own disk when {@code target} is null. */
    public DiskResult disk(String pointRef, String diskName, Path target, ImageFormat format, boolean overwrite,
                           JobProgress listener) {
        return disk(pointRef, diskName, target, format, overwrite, false, listener);
    }

    /**
     * As {@link #disk(String, String, Path, ImageFormat, boolean, JobProgress)}; in place, {@code full} writes every
     * byte even where a quick rollback could be made.
     */
    public DiskResult disk(String pointRef, String diskName, Path target, ImageFormat format, boolean overwrite,
                           boolean full, JobProgress listener) {
        try {
            PointManifest point = vault.resolve(pointRef);
            PointManifest.Disk disk = point.disk(diskName);
            listener.starting(disk.size());
            if (target != null) {
                checkTarget(target, point);
                if (Files.exists(target) && !overwrite) {
                    throw new CofferException(ErrorCode.TargetExists, target + " already exists");
                }
                write(point, disk, target, format == null ? formatOf(point, diskName) : format, listener);
                return new DiskResult(point, diskName, target);
            }
            DomainInfo domain = shutOffOriginal(point);
            DomainDefinition current = DomainDefinition.parse(libvirt.domainXml(domain.name(), true));
            DiskSpec spec = current.disk(diskName).orElseThrow(() -> new CofferException(ErrorCode.InvalidArgument,
                    "domain " + domain.name() + " has no disk " + diskName + " any more; restore it to a file with --to"));
            if (!"file".equals(spec.type()) && !"block".equals(spec.type())) {
                throw new CofferException(ErrorCode.InvalidArgument, "in-place restore writes files and block devices;"
                        + " disk " + diskName + " is a " + spec.type() + " disk: restore it to a file instead");
            }
            Path file = Path.of(spec.source());
            InPlaceWrite written = writeInPlace(point, domain, current,
                    List.of(new InPlaceTarget(disk, file, spec.formatOrRaw())), full, listener).get(diskName);
            return new DiskResult(point, diskName, file, written);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /** A new instance {@code newName} from the point; disks go to {@code directory} (default: beside the originals). */
    public InstanceResult asNewInstance(String pointRef, String newName, Path directory, boolean start,
                                        JobProgress listener) {
        return asNewInstance(pointRef, NewInstance.named(newName).withDirectory(directory), start, listener);
    }

    /**
     * A new instance from the point, as {@code shape} says where it differs from the stored definition (name, vCPUs,
     * memory, networks, disk directory and format; always a new UUID and new MACs), started when {@code start}. This
     * is also the disaster recovery restore: a replica's point on a host of the destination region (its vault is the
     * replica's; nothing of the source region is read). A failure removes what was made.
     */
    public InstanceResult asNewInstance(String pointRef, NewInstance shape, boolean start, JobProgress listener) {
        return asNewInstance(pointRef, shape, start, UnaryOperator.identity(), listener);
    }

    /**
     * As {@link #asNewInstance(String, NewInstance, boolean, JobProgress)}, with {@code adjust} applied last to the new
     * instance's definition before it is defined (a restore drill's isolated copy: {@link DomainDefinition#isolated}).
     */
    public InstanceResult asNewInstance(String pointRef, NewInstance shape, boolean start,
                                        UnaryOperator<DomainDefinition> adjust, JobProgress listener) {
        String newName = shape.name();
        try {
            PointManifest point = vault.resolve(pointRef);
            DomainDefinition stored = definitionOf(point);
            if (shape.networks() instanceof NewInstance.Networks.Mapped(Map<String, String> sources)) {
                List<String> unknown = sources.keySet().stream().filter(s -> !stored.interfaceSources().contains(s)).toList();
                if (!unknown.isEmpty()) {
                    throw new CofferException(ErrorCode.InvalidArgument, "the instance of point " + point.id()
                            + " has no interface on " + unknown + "; its networks and bridges: " + stored.interfaceSources());
                }
            }
            if (libvirt.domain(newName).isPresent()) {
                throw new CofferException(ErrorCode.NameTaken, "a domain named '" + newName + "' already exists");
            }
            listener.starting(point.logicalBytes());
            Map<String, DomainDefinition.NewDisk> newDisks = new HashMap<>();
            Map<String, Path> files = new HashMap<>();
            List<DiskFileRestore.Target> targets = new ArrayList<>();
            for (PointManifest.Disk disk : point.disks()) {
                DiskSpec spec = stored.disk(disk.name()).orElseThrow();
                String format = shape.format() != null ? shape.format().name().toLowerCase()
                        : spec.formatOrRaw().equals("qcow2") ? "qcow2" : "raw";
                Path dir = shape.directory() != null ? shape.directory()
                        : Path.of(spec.source()).toAbsolutePath().getParent();
                Path file = dir.resolve(newName + "-" + disk.name() + "." + format);
                checkTarget(file, point);
                if (Files.exists(file) || files.containsValue(file)) {
                    throw new CofferException(ErrorCode.TargetExists, file + " already exists");
                }
                targets.add(new DiskFileRestore.Target(disk, file, ImageFormat.valueOf(format.toUpperCase())));
                files.put(disk.name(), file);
                newDisks.put(disk.name(), new DomainDefinition.NewDisk(file.toString(), format));
            }
            boolean defined = false;
            try {
                DiskFileRestore.writeAll(vault, threads, point, targets, listener);
                DomainDefinition copy = adjust.apply(shaped(stored.asNewInstance(newName, newDisks,
                        notRestorable(stored, point)), shape));
                libvirt.define(copy.xml());
                defined = true;
                if (start) {
                    libvirt.start(newName);
                }
                return new InstanceResult(point, newName, files, start);
            } catch (IOException | RuntimeException e) {
                if (defined) {
                    undefineQuietly(newName);
                }
                for (Path file : files.values()) { // none existed before: all are this restore's
                    Files.deleteIfExists(file);
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /** The definition with the overrides of {@code shape}: vCPUs, memory, networks. */
    private static DomainDefinition shaped(DomainDefinition definition, NewInstance shape) {
        DomainDefinition result = definition;
        if (shape.vcpus() != null) {
            result = result.withVcpus(shape.vcpus());
        }
        if (shape.memoryMiB() != null) {
            result = result.withMemory(shape.memoryMiB() * 1024);
        }
        result = switch (shape.networks()) {
            case NewInstance.Networks.Keep keep -> result;
            case NewInstance.Networks.Mapped(Map<String, String> sources) -> result.withInterfaceSources(sources);
            case NewInstance.Networks.None none -> result.withoutInterfaces();
        };
        return shape.filter() == null ? result : result.withInterfaceFilter(shape.filter());
    }

    /** Every backed-up disk written over the shut-off original, and its stored definition defined again. */
    public InstanceResult inPlace(String pointRef, JobProgress listener) {
        return inPlace(pointRef, false, listener);
    }

    /**
     * As {@link #inPlace(String, JobProgress)}; {@code full} writes every byte of every disk even where a quick
     * rollback could be made.
     */
    public InstanceResult inPlace(String pointRef, boolean full, JobProgress listener) {
        try {
            PointManifest point = vault.resolve(pointRef);
            DomainInfo domain = shutOffOriginal(point);
            DomainDefinition stored = definitionOf(point);
            listener.starting(point.logicalBytes());
            DomainDefinition current = DomainDefinition.parse(libvirt.domainXml(domain.name(), true));
            Map<String, Path> files = new HashMap<>();
            List<InPlaceTarget> targets = new ArrayList<>();
            for (PointManifest.Disk disk : point.disks()) {
                DiskSpec spec = stored.disk(disk.name()).orElseThrow();
                Path file = Path.of(spec.source());
                targets.add(new InPlaceTarget(disk, file, spec.formatOrRaw().equals("qcow2") ? "qcow2" : "raw"));
                files.put(disk.name(), file);
            }
            Map<String, InPlaceWrite> writes = writeInPlace(point, domain, current, targets, full, listener);
            libvirt.define(stored.xml());
            return new InstanceResult(point, domain.name(), files, false, writes);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /**
     * Writes {@code targets} over the shut-off domain's files: each quickly where {@link QuickRollback} can, else in
     * full (a new file renamed over the old, or a device written through); {@code listener} counts the bytes
     * written. The checkpoints stay when a disk was rolled back quickly and no disk they keep a bitmap on was written
     * in full; else they are removed, bitmaps included, as they no longer describe the disks (a full write's new file
     * has no bitmap: libvirt would refuse to delete the checkpoint later and leave the other disks' bitmaps behind).
     */
    private Map<String, InPlaceWrite> writeInPlace(PointManifest point, DomainInfo domain, DomainDefinition current,
                                                   List<InPlaceTarget> targets, boolean full, JobProgress listener)
            throws IOException {
        List<QuickRollback.Decision> decisions = new ArrayList<>();
        QuickRollback rollback = null;
        String trackingProblem = null;
        if (!full && targets.stream().anyMatch(t -> t.storedFormat().equals("qcow2"))) {
            try {
                rollback = QuickRollback.of(libvirt, vault, domain, threads);
            } catch (java.io.InterruptedIOException cancelled) {
                throw cancelled;
            } catch (IOException | RuntimeException e) {
                trackingProblem = "change tracking could not be read: " + e.getMessage();
            }
        }
        List<QuickRollback.Quick> opened = new ArrayList<>(); // each holds its image's qemu-nbd until written
        Map<String, InPlaceWrite> writes = new java.util.LinkedHashMap<>();
        boolean anyQuick = false;
        boolean breaksTheCheckpoint = false;
        try {
            for (InPlaceTarget target : targets) {
                DiskSpec spec = current.disk(target.disk().name()).orElse(null);
                if (rollback != null) {
                    QuickRollback.Decision decision = rollback.decide(point, target.disk(), spec, target.file(),
                            target.storedFormat());
                    if (decision instanceof QuickRollback.Quick quick) {
                        opened.add(quick);
                    }
                    decisions.add(decision);
                } else {
                    decisions.add(new QuickRollback.Full(target.disk(), full ? "asked for (full)"
                            : trackingProblem != null ? trackingProblem : target.storedFormat()
                            + " disk: no dirty bitmap tells what changed since a point"));
                }
            }
            if (rollback != null) {
                QuickRollback tracking = rollback;
                breaksTheCheckpoint = decisions.stream().anyMatch(d -> d instanceof QuickRollback.Full
                        && tracking.checkpointFollows(d.disk().name()));
            }
            listener.starting(decisions.stream().mapToLong(QuickRollback.Decision::bytes).sum());
            List<DiskFileRestore.Target> fullTargets = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                if (decisions.get(i) instanceof QuickRollback.Full) {
                    InPlaceTarget target = targets.get(i);
                    fullTargets.add(new DiskFileRestore.Target(target.disk(), target.file(),
                            ImageFormat.valueOf(target.storedFormat().toUpperCase())));
                }
            }
            DiskFileRestore.writeAll(vault, threads, point, fullTargets, listener);
            for (QuickRollback.Decision decision : decisions) {
                String name = decision.disk().name();
                switch (decision) {
                    case QuickRollback.Quick quick -> {
                        rollback.write(quick, listener);
                        writes.put(name, InPlaceWrite.quick(name, quick.bytes(), quick.disk().size(), quick.since()));
                        anyQuick = true;
                    }
                    case QuickRollback.Full f -> writes.put(name, InPlaceWrite.full(name, f.disk().size(), f.reason()));
                }
            }
        } finally {
            opened.forEach(QuickRollback.Quick::close); // written ones are closed already; the others now
        }
        if (!anyQuick || breaksTheCheckpoint) {
            dropCheckpoints(domain.name(), current);
        }
        return writes;
    }

    private void write(PointManifest point, PointManifest.Disk disk, Path file, ImageFormat format,
                       JobProgress listener) throws IOException {
        DiskFileRestore.write(vault, threads, point, disk, file, format, listener);
    }

    /** Refuses a file outside the allowed directories; the instance's disks are looked up only when restricted. */
    void checkTarget(Path file, PointManifest point) throws IOException {
        if (directories.restricted()) {
            directories.check(file, ownDisks(point));
        }
    }

    /**
     * The instance's own disk files: those of the definition the point recorded, and of the domain's current
     * definition while it exists. Empty for an image point.
     */
    private List<Path> ownDisks(PointManifest point) throws IOException {
        List<Path> disks = new ArrayList<>();
        PointFacts facts = PointFacts.of(point);
        String xml = facts.domainXml();
        if (xml != null) {
            diskFiles(DomainDefinition.parse(xml), disks);
        }
        String uuid = facts.uuid();
        Optional<DomainInfo> current = uuid == null ? Optional.empty() : libvirt.domain(uuid);
        if (current.isPresent()) {
            diskFiles(DomainDefinition.parse(libvirt.domainXml(current.get().name(), true)), disks);
        }
        return disks;
    }

    private static void diskFiles(DomainDefinition definition, List<Path> into) {
        for (DiskSpec disk : definition.disks()) {
            if ("disk".equals(disk.device()) && "file".equals(disk.type()) && disk.source() != null) {
                into.add(Path.of(disk.source()));
            }
        }
    }

    private DomainInfo shutOffOriginal(PointManifest point) throws IOException {
        String uuid = PointFacts.of(point).uuid();
        Optional<DomainInfo> domain = uuid == null ? Optional.empty() : libvirt.domain(uuid);
        if (domain.isEmpty()) {
            throw new CofferException(ErrorCode.InstanceReleased, "the instance of point " + point.id() + " ("
                    + point.name() + ") no longer exists; restore it as a new instance instead");
        }
        if (domain.get().state().active()) {
            throw new CofferException(ErrorCode.InstanceRunning, "instance " + domain.get().name()
                    + " is running; an in-place restore needs it shut off");
        }
        return domain.get();
    }

    static DomainDefinition definitionOf(PointManifest point) throws IOException {
        String xml = PointFacts.of(point).domainXml();
        if (xml == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "point " + point.id()
                    + " is not an instance point (an image backup); restore its disks with 'coffer image restore'");
        }
        return DomainDefinition.parse(xml);
    }

    private static ImageFormat formatOf(PointManifest point, String disk) {
        PointFacts.Disk facts = PointFacts.of(point).disk(disk);
        return facts != null && "qcow2".equals(facts.format()) ? ImageFormat.QCOW2 : ImageFormat.RAW;
    }

    /** Disks of the stored definition that the point has no data for and that cannot be shared (not cdroms). */
    static Set<String> notRestorable(DomainDefinition stored, PointManifest point) {
        Set<String> backedUp = new HashSet<>();
        point.disks().forEach(d -> backedUp.add(d.name()));
        Set<String> removed = new HashSet<>();
        for (DiskSpec disk : stored.disks()) {
            boolean media = "cdrom".equals(disk.device()) || "floppy".equals(disk.device());
            if (!backedUp.contains(disk.target()) && !media) {
                removed.add(disk.target());
            }
        }
        return removed;
    }

    /**
     * Removes every checkpoint of the shut-off {@code domain}: from libvirt (metadata only: libvirt cannot delete a
     * shut-off domain's checkpoints with their bitmaps) and each one's bitmap from every qcow2 file of {@code current}
     * that still has it (a disk the restore did not write, or a quick decision turned full). Best effort: a
     * checkpoint or bitmap left only makes the next backup read in full, or costs the guest's writes a little.
     */
    private void dropCheckpoints(String domain, DomainDefinition current) {
        List<String> checkpoints;
        try {
            checkpoints = libvirt.checkpoints(domain);
        } catch (LibvirtException e) {
            return;
        }
        for (String checkpoint : checkpoints) {
            try {
                libvirt.deleteCheckpoint(domain, checkpoint, true);
            } catch (LibvirtException e) {
                // a stale checkpoint only makes the next backup detect a missing bitmap and read in full
            }
        }
        for (DiskSpec disk : current.disks()) {
            if (!disk.bitmapCapable() || disk.source() == null) {
                continue;
            }
            Path file = Path.of(disk.source());
            try {
                for (String bitmap : DiskImages.inspect(file, "qcow2").bitmaps()) {
                    if (checkpoints.contains(bitmap)) {
                        DiskImages.removeBitmap(file, bitmap);
                    }
                }
            } catch (IOException e) {
                // left in the file: recording on, read by nothing
            }
        }
    }

    private void undefineQuietly(String name) {
        try {
            libvirt.undefine(name);
        } catch (LibvirtException ignored) {
            // nothing more to clean
        }
    }
}
