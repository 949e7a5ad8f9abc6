package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;
import coffer.virt.domain.BackupXml;
import coffer.virt.domain.BlockNodeBitmaps;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.agent.GuestAgent;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageInfo;
import coffer.virt.image.QemuNbdServer;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import coffer.virt.nbd.MetaContext;
import coffer.virt.nbd.NbdExport;
import coffer.virt.nbd.NbdExportSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Backs up a libvirt domain: every chosen disk at one instant (docs/design/backup-flow.md).
 *
 * <p>Running domain: one pull-mode {@code backup-begin} for all chosen disks, which QEMU runs as one
 * transaction (the instant) and which creates the checkpoint the next run starts from; the data is then
 * read over NBD while the guest runs: only allocated extents on a full read, only dirty extents on an
 * incremental. Shut-off domain: each disk file read through {@code qemu-nbd --read-only}, with its
 * persistent bitmap when one is valid, and the checkpoint created after the point is stored.
 *
 * <p>Cleanup on every path: the libvirt job is aborted, the new checkpoint removed on failure, scratch
 * files and the socket deleted; a killed run's leftovers are found and removed by the next run.
 *
 * <p>Not thread-safe: one run at a time per instance (later: serialized by the job system).
 */
public final class InstanceBackup {
    static final String CHECKPOINT_PREFIX = "coffer-";
    private static final int NBD_CONNECTIONS = 4;
    private static final String AGENT_CHANNEL = "org.qemu.guest_agent.0";

    private final Libvirt libvirt;
    private final Vault vault;
    private final Path runtimeRoot;

    public InstanceBackup(Libvirt libvirt, Vault vault, Path runtimeRoot) {
        this.libvirt = libvirt;
        this.vault = vault;
        this.runtimeRoot = runtimeRoot;
    }

    /** {@code $COFFER_RUNTIME_DIR}, else {@code /var/lib/coffer/run}: sockets and scratch files of runs. */
    public static Path defaultRuntimeRoot() {
        return RuntimeDirectory.root();
    }

    /**
     * @param disks   targets to back up; empty for every disk that can be (including disks attached since
     *                the previous point)
     * @param threads chunk workers; 0 for one per core
     */
    public record Request(String instance, Set<String> disks, int threads, Map<String, String> attributes,
                          AppConsistency consistency) {
        public Request {
            java.util.Objects.requireNonNull(consistency, "consistency");
        }

        /** Crash-consistent ({@link AppConsistency#off()}). */
        public Request(String instance, Set<String> disks, int threads, Map<String, String> attributes) {
            this(instance, disks, threads, attributes, AppConsistency.off());
        }
    }

    /** The point, how each disk was read, and what went wrong without failing the backup. */
    public record Result(PointManifest point, List<DiskPlan> plans, List<String> warnings) {
    }

    public Result run(Request request, JobProgress listener) {
        try {
            return backup(request, listener);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    private Result backup(Request request, JobProgress listener) throws IOException {
        PhaseTrace trace = new PhaseTrace();
        coffer.vault.JitWarmup.startInBackground(vault);
        DomainInfo domain = libvirt.domain(request.instance()).orElseThrow(() -> new CofferException(
                ErrorCode.InstanceNotFound, "no domain '" + request.instance() + "' on " + libvirt.uri()));
        List<String> warnings = new ArrayList<>();
        cleanLeftovers(domain, warnings);
        String liveXml = libvirt.domainXml(domain.name(), false);
        GuestAgent agent = new GuestAgent(libvirt, domain.name());
        if (domain.state().active() && liveXml.contains(AGENT_CHANNEL)) {
            GuestQuiesce.thawLeftFrozen(agent, warnings);
        }
        String definitionXml = domain.persistent() ? libvirt.domainXml(domain.name(), true) : liveXml;
        DomainDefinition definition = DomainDefinition.parse(liveXml);
        boolean running = domain.state().active();

        trace.mark("domain, leftovers, XML");
        List<DiskSpec> chosen = new ArrayList<>();
        List<PointManifest.SkippedDisk> skipped = new ArrayList<>();
        choose(definition, request.disks(), chosen, skipped);

        PointManifest previous = previousPoint(domain);
        List<String> checkpoints = libvirt.checkpoints(domain.name());
        String previousCheckpoint = previous == null ? null : previous.attributes().get(PointAttributes.CHECKPOINT);
        Set<String> checkpointDisks = new HashSet<>();
        if (previousCheckpoint != null && checkpoints.contains(previousCheckpoint)) {
            checkpointDisks.addAll(BackupXml.bitmapDisksOf(libvirt.checkpointXml(domain.name(), previousCheckpoint)));
        }
        Map<String, Set<String>> qemuBitmaps = running ? BlockNodeBitmaps.parse(libvirt.monitorCommand(domain.name(),
                "{\"execute\":\"query-named-block-nodes\"}", false)) : Map.of();
        List<DiskPlan> plans = new ArrayList<>();
        long total = 0;
        for (DiskSpec disk : chosen) {
            ChangeTracking.Facts facts;
            if (running) {
                // the disk's size is checked against the NBD export once connected (readRunning): no
                // qemu-img process per disk on the common path
                facts = facts(previous, disk, previousCheckpoint, checkpoints, checkpointDisks,
                        qemuBitmaps.getOrDefault(disk.source(), Set.of()), -1);
            } else {
                ImageInfo info = DiskImages.inspect(Path.of(disk.source()));
                facts = facts(previous, disk, previousCheckpoint, checkpoints, checkpointDisks, consistentBitmaps(info),
                        info.virtualSize());
            }
            DiskPlan plan = ChangeTracking.plan(facts);
            plans.add(plan);
            total += facts.currentSize() >= 0 ? facts.currentSize() : plan.base() != null ? plan.base().diskSize() : 0;
        }
        listener.starting(total);
        trace.mark("planned: " + plans.stream().map(p -> p.target() + "=" + p.mode()).toList());

        // two workers per core: while one waits for an NBD read (QEMU reading the image) the other computes;
        // measured 10 % faster on a cold 4 GiB domain than one per core (docs/performance.md)
        int threads = request.threads() > 0 ? request.threads() : 2 * ChunkWorkers.defaultThreads();
        try (PointWriter writer = PointWriter.begin(vault, domain.name(), Instant.now(), threads)) {
            String checkpoint = CHECKPOINT_PREFIX + writer.id();
            List<String> bitmapDisks = chosen.stream().filter(DiskSpec::bitmapCapable).map(DiskSpec::target).toList();
            List<String> otherDisks = definition.disks().stream().filter(d -> "disk".equals(d.device()))
                    .map(DiskSpec::target).filter(t -> !bitmapDisks.contains(t)).toList();
            String checkpointXml = BackupXml.checkpoint(checkpoint, bitmapDisks, otherDisks);
            Map<String, String> attributes = new LinkedHashMap<>(request.attributes());
            attributes.put(PointAttributes.UUID, domain.uuid());
            attributes.put(PointAttributes.URI, libvirt.uri());
            attributes.put(PointAttributes.STATE, running ? "running" : "shutoff");
            attributes.put(PointAttributes.DOMAIN_XML, definitionXml);
            for (DiskPlan plan : plans) {
                attributes.put(PointAttributes.mode(plan.target()), plan.incremental() ? "incremental" : "full");
                if (plan.reason() != null) {
                    attributes.put(PointAttributes.reason(plan.target()), plan.reason());
                }
                attributes.put(PointAttributes.format(plan.target()), specOf(chosen, plan.target()).formatOrRaw());
            }
            boolean checkpointCreated;
            GuestQuiesce.Outcome consistency;
            if (running) {
                List<String> notExported = definition.disks().stream().filter(d -> "disk".equals(d.device()))
                        .map(DiskSpec::target).filter(t -> chosen.stream().noneMatch(c -> c.target().equals(t))).toList();
                consistency = readRunning(domain, writer, chosen, plans, notExported, checkpointXml, agent,
                        request.consistency(), listener);
                checkpointCreated = true;
            } else {
                consistency = shutOffConsistency(request.consistency());
                try (RuntimeDirectory run = RuntimeDirectory.create(runtimeRoot, domain.uuid(), writer.id())) {
                    readShutOff(writer, chosen, plans, run.path(), listener);
                }
                checkpointCreated = createOfflineCheckpoint(domain, checkpoint, chosen, warnings);
            }
            trace.mark("disks read");
            if (checkpointCreated) {
                attributes.put(PointAttributes.CHECKPOINT, checkpoint);
            }
            record(consistency, attributes, warnings);
            PointManifest point;
            try {
                point = writer.commit(consistency.level().name(), previous == null ? null : previous.id(), skipped, attributes);
            } catch (IOException | RuntimeException e) {
                if (checkpointCreated) {
                    removeCheckpoint(domain.name(), checkpoint, running ? List.of() : chosen, warnings);
                }
                throw e;
            }
            trace.mark("point committed");
            if (checkpointCreated) {
                pruneCheckpoints(domain.name(), checkpoint, running ? List.of() : definition.disks(), warnings);
            }
            trace.mark("old checkpoints removed");
            return new Result(point, plans, warnings);
        }
    }

    /**
     * Shut-off domain: no guest to quiesce; the disks are as its last stop left them. libvirt does not tell
     * here whether that was a clean shutdown, so the point is CRASH, with the reason when more was asked.
     */
    private static GuestQuiesce.Outcome shutOffConsistency(AppConsistency asked) {
        return new GuestQuiesce.Outcome(ConsistencyLevel.CRASH, asked.enabled()
                ? "domain shut off: no guest to quiesce; the disks are as its last stop left them (consistent if it "
                + "was shut down cleanly)" : null, null, List.of());
    }

    private static void record(GuestQuiesce.Outcome outcome, Map<String, String> attributes, List<String> warnings) {
        attributes.put(PointAttributes.CONSISTENCY, outcome.level().name());
        if (outcome.reason() != null) {
            attributes.put(PointAttributes.CONSISTENCY_REASON, outcome.reason());
        }
        if (outcome.freezeWindow() != null) {
            attributes.put(PointAttributes.FREEZE_MILLIS, Long.toString(outcome.freezeWindow().toMillis()));
        }
        warnings.addAll(outcome.warnings());
    }

    /**
     * Pull-mode backup, its instant ({@code backup-begin}) taken inside {@link GuestQuiesce#around} with the
     * asked consistency; the checkpoint exists once this returns. Data is read after the guest was thawed.
     */
    private GuestQuiesce.Outcome readRunning(DomainInfo domain, PointWriter writer, List<DiskSpec> chosen,
                                             List<DiskPlan> plans, List<String> notExported, String checkpointXml,
                                             GuestAgent agent, AppConsistency consistency, JobProgress listener)
            throws IOException {
        String checkpoint = CHECKPOINT_PREFIX + writer.id();
        try (RuntimeDirectory run = RuntimeDirectory.create(runtimeRoot, domain.uuid(), writer.id())) {
            List<BackupXml.Disk> exported = new ArrayList<>();
            for (DiskPlan plan : plans) {
                exported.add(new BackupXml.Disk(plan.target(), plan.incremental() ? plan.checkpoint() : null,
                        run.scratch(plan.target())));
            }
            String backupXml = BackupXml.pull(run.socket(), exported, notExported);
            PhaseTrace trace = new PhaseTrace();
            GuestQuiesce.Outcome outcome = GuestQuiesce.around(agent, consistency,
                    () -> libvirt.backupBegin(domain.name(), backupXml, checkpointXml));
            trace.mark("backup-begin returned, " + outcome.level());
            boolean done = false;
            try {
                for (DiskPlan plan : plans) {
                    DiskSpec disk = specOf(chosen, plan.target());
                    String context = MetaContext.dirtyBitmap("backup-" + plan.target());
                    try (NbdExportSource source = NbdExportSource.open(NbdExport.unix(run.socket(), plan.target()),
                            NBD_CONNECTIONS, plan.incremental() ? List.of(context) : List.of())) {
                        trace.mark(plan.target() + ": NBD connected");
                        DiskBase base = null;
                        if (plan.base() != null) {
                            // a disk resized since the base: the export still serves all of it, so read it whole
                            boolean sameSize = plan.base().diskSize() == source.size();
                            List<Extent> changed = plan.incremental() && sameSize
                                    ? source.dirtyExtents(context, 0, source.size()) : null;
                            base = new DiskBase(plan.basePoint(), plan.base(), changed);
                        }
                        trace.mark(plan.target() + ": dirty extents");
                        writer.writeDisk(plan.target(), source, disk.formatOrRaw(), base, listener);
                        trace.mark(plan.target() + ": written and synced");
                    }
                }
                done = true;
            } finally {
                abortQuietly(domain.name());
                trace.mark("job aborted");
                if (!done) {
                    deleteCheckpointQuietly(domain.name(), checkpoint, new ArrayList<>());
                }
            }
            return outcome;
        }
    }

    private void readShutOff(PointWriter writer, List<DiskSpec> chosen, List<DiskPlan> plans, Path runtime,
                             JobProgress listener) throws IOException {
        for (DiskPlan plan : plans) {
            DiskSpec disk = specOf(chosen, plan.target());
            Path file = Path.of(disk.source());
            String context = plan.incremental() ? MetaContext.dirtyBitmap(plan.checkpoint()) : null;
            // qemu-nbd for every format (raw too): its shared lock keeps the domain from starting while
            // the disk is read, and its pid file in the runtime directory lets a later run kill an orphan
            try (QemuNbdServer server = QemuNbdServer.start(file, QemuNbdServer.Options.readOnly(disk.formatOrRaw())
                    .withConnections(NBD_CONNECTIONS).withRuntimeParent(runtime)
                    .withBitmaps(plan.incremental() ? List.of(plan.checkpoint()) : List.of()));
                 NbdExportSource source = NbdExportSource.open(server.export(), NBD_CONNECTIONS,
                         context == null ? List.of() : List.of(context))) {
                DiskBase base = null;
                if (plan.base() != null) {
                    base = new DiskBase(plan.basePoint(), plan.base(),
                            plan.incremental() ? source.dirtyExtents(context, 0, source.size()) : null);
                }
                writer.writeDisk(plan.target(), source, disk.formatOrRaw(), base, listener);
            }
        }
    }

    /**
     * libvirt refuses checkpoints of inactive domains; the checked way (docs/design/libvirt.md (d)) is to add
     * the bitmap to each qcow2 image with qemu-img and redefine the checkpoint over it.
     */
    private boolean createOfflineCheckpoint(DomainInfo domain, String name, List<DiskSpec> disks, List<String> warnings) {
        List<DiskSpec> qcow2 = disks.stream().filter(DiskSpec::bitmapCapable).toList();
        if (qcow2.isEmpty()) {
            return false;
        }
        List<Path> added = new ArrayList<>();
        try {
            for (DiskSpec disk : qcow2) {
                DiskImages.addBitmap(Path.of(disk.source()), name);
                added.add(Path.of(disk.source()));
            }
            libvirt.createCheckpoint(domain.name(), BackupXml.redefinedCheckpoint(name, Instant.now().getEpochSecond(),
                    qcow2.stream().map(DiskSpec::target).toList()), Libvirt.CHECKPOINT_CREATE_REDEFINE);
            return true;
        } catch (IOException e) {
            for (Path image : added) {
                removeBitmapQuietly(image, name);
            }
            warnings.add("no checkpoint created on the shut-off domain, the next backup reads its disks in full: "
                    + e.getMessage());
            return false;
        }
    }

    private static void removeBitmapQuietly(Path image, String name) {
        try {
            DiskImages.removeBitmap(image, name);
        } catch (IOException absent) {
            // not there: nothing to remove
        }
    }

    /** Keeps only Coffer's newest checkpoint: older ones are deleted properly (their bitmaps merged away). */
    private void pruneCheckpoints(String domain, String keep, List<DiskSpec> offlineDisks, List<String> warnings) {
        try {
            for (String name : libvirt.checkpoints(domain)) {
                if (name.startsWith(CHECKPOINT_PREFIX) && !name.equals(keep)) {
                    removeCheckpoint(domain, name, offlineDisks, warnings);
                }
            }
        } catch (LibvirtException e) {
            warnings.add("could not list checkpoints to remove old ones: " + e.getMessage());
        }
    }

    /**
     * Leftovers of killed runs: a backup job still serving a socket in an abandoned runtime directory is
     * aborted; the directories (sockets, scratch files) are deleted; checkpoints newer than the one the
     * newest point needs are removed by {@link #pruneCheckpoints} after the next success.
     */
    private void cleanLeftovers(DomainInfo domain, List<String> warnings) throws IOException {
        List<Path> abandoned = RuntimeDirectory.abandoned(runtimeRoot, domain.uuid());
        if (abandoned.isEmpty()) {
            return;
        }
        if (domain.state().active()) {
            try {
                var job = libvirt.job(domain.name());
                if (job.isPresent() && job.get().isBackup()) {
                    String backupXml = libvirt.backupXml(domain.name());
                    for (Path dir : abandoned) {
                        if (backupXml.contains(dir.toString())) {
                            libvirt.abortJob(domain.name());
                            warnings.add("aborted the backup job left running by an interrupted run (" + dir + ")");
                        }
                    }
                }
            } catch (LibvirtException e) {
                // libvirt is tearing the dead run's job down itself ("backup job data missing"): wait for it
                waitForNoBackupJob(domain.name(), warnings);
            }
        }
        for (Path dir : abandoned) {
            for (long pid : RuntimeDirectory.qemuNbdPids(dir)) {
                ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("qemu-nbd")).orElse(false))
                        .ifPresent(p -> {
                            p.destroy();
                            warnings.add("stopped qemu-nbd (pid " + pid + ") left by an interrupted run");
                        });
            }
            RuntimeDirectory.delete(dir);
        }
    }

    private void waitForNoBackupJob(String domain, List<String> warnings) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (libvirt.job(domain).map(j -> !j.isBackup()).orElse(true)) {
                    warnings.add("the backup job of an interrupted run was ended by libvirt");
                    return;
                }
            } catch (LibvirtException stillEnding) {
                // keep waiting
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        warnings.add("the backup job of an interrupted run did not end within 30 s");
    }

    private void abortQuietly(String domain) {
        try {
            if (libvirt.job(domain).map(j -> j.isBackup()).orElse(false)) {
                libvirt.abortJob(domain);
            }
        } catch (LibvirtException e) {
            // the job ended by itself (domain stopped); nothing to abort
        }
    }

    /** Running domain: a proper delete. Shut-off domain: metadata only, and the bitmaps out of the images. */
    private void removeCheckpoint(String domain, String checkpoint, List<DiskSpec> offlineDisks, List<String> warnings) {
        if (offlineDisks.isEmpty()) {
            deleteCheckpointQuietly(domain, checkpoint, warnings);
            return;
        }
        try {
            libvirt.deleteCheckpoint(domain, checkpoint, true);
        } catch (LibvirtException e) {
            warnings.add("could not remove checkpoint " + checkpoint + ": " + e.getMessage());
        }
        for (DiskSpec disk : offlineDisks) {
            if (disk.bitmapCapable() && disk.source() != null) {
                removeBitmapQuietly(Path.of(disk.source()), checkpoint);
            }
        }
    }

    private void deleteCheckpointQuietly(String domain, String checkpoint, List<String> warnings) {
        try {
            libvirt.deleteCheckpoint(domain, checkpoint, false);
        } catch (LibvirtException e) {
            try {
                libvirt.deleteCheckpoint(domain, checkpoint, true);
                warnings.add("checkpoint " + checkpoint + " removed from libvirt only: " + e.getMessage());
            } catch (LibvirtException again) {
                warnings.add("could not remove checkpoint " + checkpoint + ": " + again.getMessage());
            }
        }
    }

    private PointManifest previousPoint(DomainInfo domain) throws IOException {
        PointManifest newest = null;
        for (PointManifest point : vault.points()) {
            if (domain.uuid().equals(point.attributes().get(PointAttributes.UUID))) {
                newest = point;
            }
        }
        return newest;
    }

    private ChangeTracking.Facts facts(PointManifest previous, DiskSpec disk, String checkpoint, List<String> checkpoints,
                                       Set<String> checkpointDisks, Set<String> bitmaps, long size) throws IOException {
        FixedIndex index = null;
        String problem = null;
        if (previous != null) {
            for (PointManifest.Disk d : previous.disks()) {
                if (d.name().equals(disk.target())) {
                    try {
                        index = vault.readIndex(previous, d);
                    } catch (CorruptDataException e) {
                        problem = e.getMessage();
                    }
                }
            }
        }
        return new ChangeTracking.Facts(disk, previous == null ? null : previous.id(), index, problem, checkpoint,
                Set.copyOf(checkpoints), checkpointDisks, bitmaps, size);
    }

    private static Set<String> consistentBitmaps(ImageInfo info) {
        Set<String> result = new HashSet<>(info.bitmaps());
        info.inconsistentBitmaps().forEach(result::remove);
        return result;
    }

    private static void choose(DomainDefinition definition, Set<String> wanted, List<DiskSpec> chosen,
                               List<PointManifest.SkippedDisk> skipped) {
        Set<String> targets = new HashSet<>();
        for (DiskSpec disk : definition.disks()) {
            targets.add(disk.target());
            boolean selected = wanted.isEmpty() || wanted.contains(disk.target());
            if (!selected) {
                continue;
            }
            disk.unsupportedReason().ifPresentOrElse(
                    reason -> skipped.add(new PointManifest.SkippedDisk(disk.target(), reason)),
                    () -> chosen.add(disk));
        }
        for (String target : wanted) {
            if (!targets.contains(target)) {
                throw new CofferException(ErrorCode.InvalidArgument, "domain " + definition.name() + " has no disk '"
                        + target + "'; its disks: " + targets);
            }
        }
        if (chosen.isEmpty()) {
            throw new CofferException(ErrorCode.UnsupportedDisk, "no disk of domain " + definition.name()
                    + " can be backed up: " + skipped);
        }
    }

    private static DiskSpec specOf(List<DiskSpec> disks, String target) {
        return disks.stream().filter(d -> d.target().equals(target)).findFirst().orElseThrow();
    }
}
