package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.write.DiskBase;
import coffer.vault.trace.PhaseTrace;
import coffer.vault.write.PointWriter;
import coffer.virt.agent.GuestAgent;
import coffer.virt.domain.BackupXml;
import coffer.virt.domain.DiskSpec;
import coffer.virt.image.DiskImages;
import coffer.virt.image.QemuNbdServer;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import coffer.virt.nbd.MetaContext;
import coffer.virt.nbd.NbdExport;
import coffer.virt.nbd.NbdExportSource;
import coffer.virt.process.DeathGuard;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One instance's backup between planning and its point, in the steps a caller drives: the guest's
 * preparation (agent, scripts, prescript), freeze, <b>the instant</b> ({@link #begin}), thaw, the guest's
 * finish (postscript), {@link #read} (after the instant, while the guest runs), {@link #commit}, and
 * {@link #pruneCheckpoints}. {@link InstanceBackup#run} drives one; a consistency group
 * ({@code coffer.engine.group}) drives each step on all its members before the next, so that all
 * instants fall inside one pause or freeze.
 *
 * <p>{@link #close} cleans up whatever the steps left: a guest still frozen is thawed (and its postscript
 * run), the libvirt backup job aborted, the new checkpoint removed unless the point was committed, the
 * runtime directory deleted and an uncommitted point's objects removed. A shut-off domain has no guest and
 * no instant to take: its disks are read as they are.
 *
 * <p>Not thread-safe: one thread drives one staged backup (different staged backups may run concurrently).
 */
public final class StagedBackup implements AutoCloseable {
    /** Disks read at the same time. */
    static final int PARALLEL_DISKS = PointWriter.PARALLEL_DISKS;
    private static final Duration JOB_END_WAIT = Duration.ofSeconds(10);

    private final Libvirt libvirt;
    private final Vault vault;
    private final DomainInfo domain;
    private final List<DiskSpec> chosen;
    private final List<DiskSpec> allDisks;
    private final List<PointManifest.SkippedDisk> skipped;
    private final List<DiskPlan> plans;
    private final PointManifest previous;
    private final GuestAgent agent;
    private final AppConsistency consistency;
    private final PointFacts facts;
    private final List<String> warnings;
    private final long totalBytes;
    private final PointWriter writer;
    private final RuntimeDirectory run;
    private final String checkpoint;
    private final String checkpointXml;
    private final String backupXml;

    /** Per disk read incrementally: the bytes its dirty bitmap covered, known before its data is read. */
    private final Map<String, Long> dirtyBytes = new java.util.concurrent.ConcurrentHashMap<>();

    private GuestQuiesce quiesce;
    private GuestQuiesce.Outcome outcome;
    private boolean begun;
    private boolean jobEnded;
    /**
     * Aborts the pull-mode job should this process be killed while it runs (docs/reliability.md, session 19): its
     * helper started during the preparation and armed by {@link #begin} (docs/performance.md, session 25); null for a
     * shut-off domain.
     */
    private final CompletableFuture<DeathGuard> abortGuard;
    private boolean checkpointCreated;
    private PointManifest point;

    StagedBackup(Libvirt libvirt, Vault vault, DomainInfo domain, InstanceBackup.Plan plan, AppConsistency consistency,
                 PointFacts facts, List<String> warnings, PointWriter writer, RuntimeDirectory run,
                 CompletableFuture<DeathGuard> abortGuard) {
        this.libvirt = libvirt;
        this.vault = vault;
        this.domain = domain;
        this.chosen = plan.chosen();
        this.allDisks = plan.definition().disks();
        this.skipped = plan.skipped();
        this.plans = plan.plans();
        this.previous = plan.previous();
        this.agent = new GuestAgent(libvirt, domain.name());
        this.consistency = consistency;
        this.facts = facts;
        this.warnings = warnings;
        this.totalBytes = plan.totalBytes();
        this.writer = writer;
        this.run = run;
        this.abortGuard = abortGuard;
        this.checkpoint = InstanceBackup.CHECKPOINT_PREFIX + writer.id();
        List<String> bitmapDisks = chosen.stream().filter(DiskSpec::bitmapCapable).map(DiskSpec::target).toList();
        List<String> otherDisks = allDisks.stream().filter(d -> "disk".equals(d.device()))
                .map(DiskSpec::target).filter(t -> !bitmapDisks.contains(t)).toList();
        this.checkpointXml = BackupXml.checkpoint(checkpoint, bitmapDisks, otherDisks);
        if (running()) {
            List<BackupXml.Disk> exported = new ArrayList<>();
            for (DiskPlan p : plans) {
                exported.add(new BackupXml.Disk(p.target(), p.incremental() ? p.checkpoint() : null, run.scratch(p.target())));
            }
            List<String> notExported = allDisks.stream().filter(d -> "disk".equals(d.device())).map(DiskSpec::target)
                    .filter(t -> chosen.stream().noneMatch(c -> c.target().equals(t))).toList();
            this.backupXml = BackupXml.pull(run.socket(), exported, notExported);
        } else {
            this.backupXml = null;
        }
    }

    /** The domain's name. */
    public String instance() {
        return domain.name();
    }

    /** Whether the domain runs (has an instant to take); a shut-off domain's disks are read as they are. */
    public boolean running() {
        return domain.state().active();
    }

    /** The logical bytes {@link #read} covers (for progress). */
    public long totalBytes() {
        return totalBytes;
    }

    /** The one-instance sequence: the guest quiesced around the instant as {@link AppConsistency} asks. */
    void quiesceAndBegin() throws IOException {
        outcome = running() ? GuestQuiesce.around(agent, consistency, this::begin) : shutOffConsistency();
    }

    /** Step 1 (running domain, application consistency asked): agent, scripts' check, prescript. */
    public void prepareGuest() throws IOException {
        if (running()) {
            quiesce = GuestQuiesce.prepare(agent, consistency);
        }
    }

    /** Step 2: freezes the guest's file systems when asked and possible (else the level falls, with the reason). */
    public void freezeGuest() {
        if (quiesce != null) {
            quiesce.freeze();
        }
    }

    /**
     * Step 3, the instant: one pull-mode {@code backup-begin} for all chosen disks (one QEMU transaction) with
     * the new checkpoint, on the scratch images {@link InstanceBackup#prepare} made. Nothing to do for a shut-off domain.
     */
    public void begin() throws IOException {
        if (!running()) {
            return;
        }
        PhaseTrace trace = new PhaseTrace();
        // the commit's serializers built while this thread waits for libvirt and the workers for QEMU, off the
        // critical path (docs/performance.md, session 26)
        CommitWarmup.start();
        // armed first: a process killed right after backup-begin returned must not leave the job running until the
        // instance's next backup (QEMU would copy every guest write into the scratch file meanwhile); its helper
        // process was started during the preparation, so arming it is a word down a pipe
        DeathGuard guard = abortGuard();
        guard.arm();
        trace.mark(domain.name() + ": abort guard armed");
        try {
            libvirt.backupBeginOnScratch(domain.name(), backupXml, checkpointXml); // scratch made by InstanceBackup
        } catch (IOException | RuntimeException e) {
            guard.disarm();
            throw e;
        }
        begun = true;
        checkpointCreated = true;
        trace.mark(domain.name() + ": backup-begin returned");
    }

    /** Step 4: thaws the guest if it is frozen; never throws. */
    public void thawGuest() {
        if (quiesce != null) {
            quiesce.thaw();
        }
    }

    /** Step 5: postscript; fixes the consistency reached. Never throws. */
    public void finishGuest() {
        if (outcome != null) {
            return;
        }
        if (quiesce != null) {
            quiesce.finish();
            outcome = quiesce.outcome();
        } else {
            outcome = running() ? new GuestQuiesce.Outcome(ConsistencyLevel.CRASH, null, null, List.of())
                    : shutOffConsistency();
        }
    }

    /** How long this guest's file systems were frozen (null when nothing was frozen); after {@link #finishGuest}. */
    public Duration freezeWindow() {
        return outcome == null ? null : outcome.freezeWindow();
    }

    /** Reads every chosen disk into the point: from the pull-mode export, or the shut-off disk files. */
    public void read(JobProgress listener) throws IOException {
        if (running()) {
            if (!begun) {
                throw new IllegalStateException("read before begin of " + domain.name());
            }
            boolean read = false;
            try {
                readRunning(listener);
                read = true;
            } finally {
                endJob(!read);
            }
        } else {
            readShutOff(listener);
            checkpointCreated = createOfflineCheckpoint();
        }
    }

    /** Publishes the point with the consistency reached, the instance's and each disk's facts and {@code extra}. */
    public PointManifest commit(PointFacts extra) throws IOException {
        finishGuest();
        Map<String, PointFacts.Disk> disks = new LinkedHashMap<>();
        for (DiskPlan plan : plans) {
            disks.put(plan.target(), new PointFacts.Disk(plan.incremental() ? "incremental" : "full", plan.reason(),
                    specOf(plan.target()).formatOrRaw()));
        }
        warnings.addAll(outcome.warnings());
        PointFacts.Consistency consistency = outcome.reason() == null && outcome.freezeWindow() == null ? null
                : new PointFacts.Consistency(outcome.reason(),
                outcome.freezeWindow() == null ? null : outcome.freezeWindow().toMillis());
        PointFacts all = facts.with(new PointFacts(PointFacts.VERSION,
                new PointFacts.Instance(domain.uuid(), libvirt.uri(), running() ? "running" : "shutoff"), null,
                checkpointCreated ? checkpoint : null, disks, consistency, null, null, null)).with(extra);
        JsonNode json = all.json();
        new PhaseTrace().mark(domain.name() + ": facts written as JSON");
        point = writer.commit(outcome.level().name(), previous == null ? null : previous.id(), skipped, json);
        return point;
    }

    /** Keeps only Coffer's newest checkpoint (this one): older ones are deleted properly (bitmaps merged away). */
    public void pruneCheckpoints() {
        if (point == null || !checkpointCreated) {
            return;
        }
        try {
            for (String name : libvirt.checkpoints(domain.name())) {
                if (name.startsWith(InstanceBackup.CHECKPOINT_PREFIX) && !name.equals(checkpoint)) {
                    removeCheckpoint(name);
                }
            }
        } catch (LibvirtException e) {
            warnings.add("could not list checkpoints to remove old ones: " + e.getMessage());
        }
    }

    /**
     * Takes back a committed point (a consistency group whose other member failed): the point is deleted
     * (its chunks stay for gc) and its checkpoint removed, so the next backup continues from the previous point.
     */
    public void rollback() throws IOException {
        if (point == null) {
            return;
        }
        vault.deletePoint(point.id());
        if (checkpointCreated) {
            removeCheckpoint(checkpoint);
            checkpointCreated = false;
        }
        point = null;
    }

    /** The committed point, how each disk was read, and what went wrong without failing the backup. */
    public InstanceBackup.Result result() {
        if (point == null) {
            throw new IllegalStateException("no point committed for " + domain.name());
        }
        return new InstanceBackup.Result(point, plans, warnings, changeMeasure());
    }

    /** Per disk: the dirty bytes (incrementals), and what was stored anew for it. After {@link #commit}. */
    private ChangeMeasure changeMeasure() {
        List<ChangeMeasure.Disk> disks = new ArrayList<>();
        for (PointManifest.Disk disk : point.disks()) {
            Long dirty = dirtyBytes.get(disk.name());
            disks.add(new ChangeMeasure.Disk(disk.name(), dirty != null, dirty == null ? 0 : dirty,
                    writer.newPlainBytes(disk.name()), disk.newStoredBytes()));
        }
        return new ChangeMeasure(disks);
    }

    /**
     * The bytes the dirty bitmaps cover, per disk read incrementally, as far as known: each disk's entry appears
     * before its data is read (for a caller that watches a running backup).
     */
    public Map<String, Long> dirtyBytes() {
        return Map.copyOf(dirtyBytes);
    }

    private void noteDirty(String target, List<Extent> changed) {
        if (changed != null) {
            dirtyBytes.put(target, changed.stream().mapToLong(Extent::length).sum());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            finishGuest();
            if (begun && !jobEnded) {
                endJob(true);
            }
            if (checkpointCreated && point == null) {
                removeCheckpoint(checkpoint);
            }
            if (run != null) {
                run.close();
            }
        } finally {
            try {
                disarmAbortGuard(); // also a helper never armed: begin did not come
            } finally {
                writer.close();
            }
        }
    }

    /** The abort guard's helper, once started (at once when it is, as by the time {@link #begin} comes it usually is). */
    private DeathGuard abortGuard() {
        return abortGuard.join(); // DeathGuard's start does not throw: a helper it cannot start is a guard that does nothing
    }

    private void disarmAbortGuard() {
        if (abortGuard != null) {
            abortGuard().disarm();
        }
    }

    /**
     * Reads the disks at once, up to {@link #PARALLEL_DISKS} (each with the writer's chunk workers and as many
     * NBD connections): an incremental is bound by the latency of scattered reads and small writes, so more
     * requests in flight finish sooner, and a small disk no longer waits for a large one.
     */
    private void readDisks(DiskReader reader) throws IOException {
        List<PointWriter.Slot> slots = new ArrayList<>();
        for (DiskPlan plan : plans) {
            slots.add(writer.reserve(plan.target()));
        }
        ChunkWorkers.run(plans.size(), Math.min(plans.size(), PARALLEL_DISKS), 0,
                (i, unused) -> reader.read(plans.get(i), slots.get(i)));
    }

    private interface DiskReader {
        void read(DiskPlan plan, PointWriter.Slot slot) throws IOException;
    }

    private void readRunning(JobProgress listener) throws IOException {
        PhaseTrace trace = new PhaseTrace();
        readDisks((plan, slot) -> {
            DiskSpec disk = specOf(plan.target());
            String context = MetaContext.dirtyBitmap("backup-" + plan.target());
            try (NbdExportSource source = NbdExportSource.open(NbdExport.unix(run.socket(), plan.target()),
                    writer.threads(), plan.incremental() ? List.of(context) : List.of());
                 // a full's disk file pages released from the host's page cache behind the domain QEMU's reads; an
                 // incremental's few scattered reads are left cached: releasing them cost it ~0.3 s of wall time and
                 // ~0.5 s of CPU (docs/performance.md, session 23, "the incremental")
                 BlockSource read = plan.incremental() ? source : CacheReleasingSource.around(source, disk)) {
                DiskBase base = null;
                if (plan.base() != null) {
                    // a disk resized since the base: the export still serves all of it, so read it whole
                    boolean sameSize = plan.base().diskSize() == source.size();
                    List<Extent> changed = plan.incremental() && sameSize
                            ? source.dirtyExtents(context, 0, source.size()) : null;
                    base = new DiskBase(plan.basePoint(), plan.base(), changed);
                    noteDirty(plan.target(), changed);
                }
                // the manifest names the disk's file, not the NBD export it was read through (docs/format/manifest.md)
                writer.writeDisk(slot, read, disk.source() != null ? disk.source() : source.describe(),
                        disk.formatOrRaw(), base, listener);
                trace.mark(domain.name() + " " + plan.target() + ": written");
            }
        });
    }

    private void readShutOff(JobProgress listener) throws IOException {
        readDisks((plan, slot) -> {
            DiskSpec disk = specOf(plan.target());
            Path file = Path.of(disk.source());
            String context = plan.incremental() ? MetaContext.dirtyBitmap(plan.checkpoint()) : null;
            // qemu-nbd for every format (raw too): its shared lock keeps the domain from starting while
            // the disk is read, and its pid file in the runtime directory lets a later run kill an orphan.
            // The format is the domain XML's; a qcow2's backing file is followed as QEMU follows it when the
            // domain runs (its header is the host's, never the guest's to write)
            try (QemuNbdServer server = QemuNbdServer.start(file, QemuNbdServer.Options.readOnly(disk.formatOrRaw())
                    .withBackingFollowed().withConnections(writer.threads()).withRuntimeParent(run.path())
                    .withBitmaps(plan.incremental() ? List.of(plan.checkpoint()) : List.of()));
                 NbdExportSource source = NbdExportSource.open(server.export(), writer.threads(),
                         context == null ? List.of() : List.of(context))) {
                DiskBase base = null;
                if (plan.base() != null) {
                    List<Extent> changed = plan.incremental() ? source.dirtyExtents(context, 0, source.size()) : null;
                    base = new DiskBase(plan.basePoint(), plan.base(), changed);
                    noteDirty(plan.target(), changed);
                }
                writer.writeDisk(slot, source, disk.source(), disk.formatOrRaw(), base, listener);
            }
        });
    }

    /**
     * Shut-off domain: no guest to quiesce; the disks are as its last stop left them. libvirt does not tell
     * here whether that was a clean shutdown, so the point is CRASH, with the reason when more was asked.
     */
    private GuestQuiesce.Outcome shutOffConsistency() {
        return new GuestQuiesce.Outcome(ConsistencyLevel.CRASH, consistency.enabled()
                ? "domain shut off: no guest to quiesce; the disks are as its last stop left them (consistent if it "
                + "was shut down cleanly)" : null, null, List.of());
    }


    /**
     * libvirt refuses checkpoints of inactive domains; the checked way (docs/design/libvirt.md (d)) is to add
     * the bitmap to each qcow2 image with qemu-img and redefine the checkpoint over it.
     */
    private boolean createOfflineCheckpoint() {
        List<DiskSpec> qcow2 = chosen.stream().filter(DiskSpec::bitmapCapable).toList();
        if (qcow2.isEmpty()) {
            return false;
        }
        List<Path> added = new ArrayList<>();
        try {
            for (DiskSpec disk : qcow2) {
                DiskImages.addBitmap(Path.of(disk.source()), checkpoint);
                added.add(Path.of(disk.source()));
            }
            libvirt.createCheckpoint(domain.name(), BackupXml.redefinedCheckpoint(checkpoint,
                    Instant.now().getEpochSecond(), qcow2.stream().map(DiskSpec::target).toList()),
                    Libvirt.CHECKPOINT_CREATE_REDEFINE);
            return true;
        } catch (IOException e) {
            for (Path image : added) {
                removeBitmapQuietly(image, checkpoint);
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

    /**
     * Ends the pull backup (the NBD export and scratch files go away), also when cancelled. With
     * {@code awaitEnd} (a cancelled or failed run, which returns to its caller next) it waits until libvirt
     * has ended the job: that happens once QEMU has cancelled the block jobs, which can be after
     * {@code virDomainAbortJob} returned. A job still there 10 s later is named in the warnings (the next run
     * waits for it or aborts it). A successful run goes on to commit meanwhile.
     */
    private void endJob(boolean awaitEnd) {
        jobEnded = true;
        boolean interrupted = Thread.interrupted();
        try {
            if (libvirt.job(domain.name()).map(j -> j.isBackup()).orElse(false)) {
                libvirt.abortJob(domain.name());
                if (awaitEnd && !libvirt.awaitNoBackupJob(domain.name(), JOB_END_WAIT)) {
                    warnings.add("libvirt had not ended the backup job of " + domain.name() + " "
                            + JOB_END_WAIT.toSeconds() + " s after it was aborted");
                }
            }
        } catch (LibvirtException e) {
            // the job ended by itself (domain stopped); nothing to abort
        } finally {
            disarmAbortGuard();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Running domain: a proper delete. Shut-off domain: metadata only, and the bitmaps out of the images. */
    private void removeCheckpoint(String name) {
        if (running()) {
            deleteCheckpointQuietly(name);
            return;
        }
        try {
            libvirt.deleteCheckpoint(domain.name(), name, true);
        } catch (LibvirtException e) {
            warnings.add("could not remove checkpoint " + name + ": " + e.getMessage());
        }
        for (DiskSpec disk : allDisks) {
            if (disk.bitmapCapable() && disk.source() != null) {
                removeBitmapQuietly(Path.of(disk.source()), name);
            }
        }
    }

    private void deleteCheckpointQuietly(String name) {
        try {
            libvirt.deleteCheckpoint(domain.name(), name, false);
        } catch (LibvirtException e) {
            try {
                libvirt.deleteCheckpoint(domain.name(), name, true);
                warnings.add("checkpoint " + name + " removed from libvirt only: " + e.getMessage());
            } catch (LibvirtException again) {
                warnings.add("could not remove checkpoint " + name + ": " + again.getMessage());
            }
        }
    }

    private DiskSpec specOf(String target) {
        return chosen.stream().filter(d -> d.target().equals(target)).findFirst().orElseThrow();
    }
}
