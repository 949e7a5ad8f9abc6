package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointIds;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.fs.FileTree;
import coffer.vault.trace.PhaseTrace;
import coffer.vault.write.PointWriter;
import coffer.virt.domain.BackupXml;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.agent.GuestAgent;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageInfo;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import coffer.virt.process.DeathGuard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
 * files (made by Coffer, not libvirt: {@link #createScratch}) and the socket deleted; a killed run's leftovers are found and removed by the next run.
 *
 * <p>Not thread-safe: one run at a time per instance (later: serialized by the job system).
 */
public final class InstanceBackup {
    static final String CHECKPOINT_PREFIX = "coffer-";
    private static final String AGENT_CHANNEL = "org.qemu.guest_agent.0";
    private static final java.time.Duration LEFTOVER_JOB_WAIT = java.time.Duration.ofSeconds(30);
    private static final String LEFTOVER_JOB_STUCK = "the backup job of an interrupted run did not end within 30 s";

    private final Libvirt libvirt;
    private final CompletableFuture<Vault> vault;
    private final Path runtimeRoot;

    public InstanceBackup(Libvirt libvirt, Vault vault, Path runtimeRoot) {
        this(CompletableFuture.completedFuture(vault), libvirt, runtimeRoot);
    }

    /**
     * A backup into a vault that may still be opening: the domain's side of {@link #prepare} (the domain, its XML,
     * checkpoints and bitmaps, the scratch images) goes on meanwhile, and the vault is first waited for by the
     * previous point's read and the point's writer, or by the removal of a killed run's leftovers (nothing on the host
     * changes for a vault that does not open). A vault that fails to open fails the backup with that failure, after
     * the preparation's clean-up (docs/performance.md, session 25).
     */
    public static InstanceBackup intoOpening(Libvirt libvirt, CompletableFuture<Vault> vault, Path runtimeRoot) {
        return new InstanceBackup(Objects.requireNonNull(vault, "vault"), libvirt, runtimeRoot);
    }

    private InstanceBackup(CompletableFuture<Vault> vault, Libvirt libvirt, Path runtimeRoot) {
        this.libvirt = libvirt;
        this.vault = vault;
        this.runtimeRoot = runtimeRoot;
    }

    /** The vault, once open; its opening's failure as it threw it. */
    private Vault vault() {
        try {
            return vault.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** {@code $COFFER_RUNTIME_DIR}, else {@code /var/lib/coffer/run}: sockets and scratch files of runs. */
    public static Path defaultRuntimeRoot() {
        return RuntimeDirectory.root();
    }

    /** {@link #defaultRuntimeRoot()} as the environment variables {@code env} say (a command run with other variables). */
    public static Path runtimeRoot(Map<String, String> env) {
        return RuntimeDirectory.root(env);
    }

    /**
     * @param disks   targets to back up; empty for every disk that can be (including disks attached since
     *                the previous point)
     * @param threads chunk workers per disk (and NBD connections); 0 for two per core
     * @param immutableFloor null, or for a point that is immutable from birth (a run of an immutable policy): from
     *                the point's creation time, the time its manifest holds it immutable until. The vault refuses to
     *                delete the point from the moment it exists, so no crash between the commit and the catalog's
     *                hold leaves an immutable point deletable (docs/format/hold.md, "Who sets it")
     */
    public record Request(String instance, Set<String> disks, int threads, PointFacts facts,
                          AppConsistency consistency, java.util.function.UnaryOperator<Instant> immutableFloor) {
        public Request {
            Objects.requireNonNull(consistency, "consistency");
            facts = facts == null ? PointFacts.NONE : facts;
        }

        /** A point that is not immutable from birth. */
        public Request(String instance, Set<String> disks, int threads, PointFacts facts, AppConsistency consistency) {
            this(instance, disks, threads, facts, consistency, null);
        }

        /** Crash-consistent ({@link AppConsistency#off()}). */
        public Request(String instance, Set<String> disks, int threads, PointFacts facts) {
            this(instance, disks, threads, facts, AppConsistency.off());
        }
    }

    /**
     * The point, how each disk was read, what went wrong without failing the backup, and what the backup found
     * changed (for change-rate alerts).
     */
    public record Result(PointManifest point, List<DiskPlan> plans, List<String> warnings, ChangeMeasure change) {
    }

    /** What {@link #prepare} found: the disks chosen and skipped, each disk's plan, the previous point. */
    record Plan(DomainDefinition definition, List<DiskSpec> chosen, List<PointManifest.SkippedDisk> skipped,
                List<DiskPlan> plans, PointManifest previous, long totalBytes) {
    }

    public Result run(Request request, JobProgress listener) {
        PhaseTrace trace = new PhaseTrace();
        trace.mark("backup of " + request.instance() + " starts");
        try (StagedBackup staged = prepare(request)) {
            listener.starting(staged.totalBytes());
            staged.quiesceAndBegin();
            staged.read(listener);
            trace.mark("read");
            staged.commit(PointFacts.NONE);
            trace.mark("committed");
            staged.pruneCheckpoints();
            trace.mark("old checkpoints pruned");
            return staged.result();
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        } finally {
            trace.mark("closed");
        }
    }

    /**
     * Everything before the instant: leftovers of killed runs cleaned, a guest left frozen thawed, disks
     * chosen and planned (full or incremental), the point writer begun (the vault's shared lock) and the
     * runtime directory made. Nothing of the guest is touched yet; the caller drives the steps of the
     * returned backup and closes it.
     */
    public StagedBackup prepare(Request request) throws IOException {
        PhaseTrace trace = new PhaseTrace();
        DomainInfo domain = libvirt.domain(request.instance()).orElseThrow(() -> new CofferException(
                ErrorCode.InstanceNotFound, "no domain '" + request.instance() + "' on " + libvirt.uri()));
        if (!request.disks().isEmpty()) {
            // a disk the domain lacks is refused before any work: no leftovers cleaned, nothing of the vault read
            BackupDisks.check(domain.name(), request.disks(), DomainDefinition.parse(libvirt.domainXml(domain.name(), false))
                    .disks().stream().map(DiskSpec::target).toList(), "");
        }
        List<String> warnings = new ArrayList<>();
        cleanLeftovers(domain, warnings);
        trace.mark("domain found, leftovers checked");
        // the vault's side of the plan (previous point, its indexes) is read meanwhile (docs/performance.md,
        // session 12), and libvirt's checkpoints and QEMU's bitmaps asked for (session 13)
        try (BackgroundRead<PreviousPointRead.Base> base = PreviousPointRead.start(this::vault, domain.uuid(),
                request.disks());
             BackgroundRead<TrackingStateRead.State> tracking = TrackingStateRead.start(libvirt, domain.name(),
                     domain.state().active(), trace)) {
            return prepare(request, domain, warnings, base, tracking, trace);
        }
    }

    private StagedBackup prepare(Request request, DomainInfo domain, List<String> warnings,
                                 BackgroundRead<PreviousPointRead.Base> base,
                                 BackgroundRead<TrackingStateRead.State> tracking, PhaseTrace trace) throws IOException {
        // the backup job's abort guard: its helper process started now, armed right before backup-begin (session 25)
        CompletableFuture<DeathGuard> abortGuard = domain.state().active() ? startAbortGuard(domain) : null;
        try {
            String liveXml = libvirt.domainXml(domain.name(), false);
            if (domain.state().active() && liveXml.contains(AGENT_CHANNEL)) {
                GuestQuiesce.thawLeftFrozen(new GuestAgent(libvirt, domain.name()), warnings);
            }
            String definitionXml = domain.persistent() ? libvirt.domainXml(domain.name(), true) : liveXml;
            trace.mark("domain XML read");
            DomainDefinition definition = DomainDefinition.parse(liveXml);
            List<DiskSpec> chosen = new ArrayList<>();
            List<PointManifest.SkippedDisk> skipped = new ArrayList<>();
            choose(definition, request.disks(), chosen, skipped);

            int threads = request.threads() > 0 ? request.threads() : ChunkWorkers.backupThreads();
            PointFacts facts = request.facts().with(new PointFacts(PointFacts.VERSION, null, definitionXml, null, null,
                    null, null, null, null));
            Instant created = Instant.now();
            // the point is named before its writer takes the vault's shared lock, so that its runtime directory's
            // scratch images are made meanwhile (docs/performance.md, "Session 14"); nothing of the point is written
            // to the vault, and libvirt's backup does not begin, before the lock is held
            String pointId = PointIds.newId(created);
            RuntimeDirectory run = RuntimeDirectory.create(runtimeRoot, domain.uuid(), pointId);
            CompletableFuture<Void> scratch = CompletableFuture.completedFuture(null);
            PointWriter writer = null;
            try {
                if (domain.state().active()) {
                    // made while the lock is taken and libvirt is asked for the checkpoints and bitmaps (one scratch
                    // image per chosen disk, as each chosen disk gets one plan)
                    scratch = createScratchInBackground(domain, chosen, run, trace);
                }
                Vault vault = vault();
                coffer.vault.JitWarmup.startInBackground(vault);
                writer = PointWriter.beginWithId(vault, pointId, domain.name(), created, threads,
                        "backup of " + domain.name());
                if (request.immutableFloor() != null) {
                    writer.immutableUntil(request.immutableFloor().apply(created)); // the manifest's floor, before it exists
                }
                Plan plan = plan(domain, definition, chosen, skipped, base, tracking.join());
                trace.mark("planned: " + plan.plans().stream().map(p -> p.target() + "=" + p.mode()).toList());
                awaitScratch(scratch);
                return new StagedBackup(libvirt, vault, domain, plan, request.consistency(), facts, warnings,
                        writer, run, abortGuard);
            } catch (IOException | RuntimeException e) {
                try (PointWriter begun = writer) { // null: the lock was not taken
                    awaitQuietly(scratch, e); // no qemu-img may still write into the directory removed next
                    run.close();
                }
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            if (abortGuard != null) {
                abortGuard.thenAccept(DeathGuard::disarm); // never armed: its helper ends without acting
            }
            throw e;
        }
    }

    /** Starts the helper of the backup job's abort guard (unarmed) on a thread of its own. */
    private CompletableFuture<DeathGuard> startAbortGuard(DomainInfo domain) {
        return CompletableFuture.supplyAsync(() -> DeathGuard.virshOnceUnarmed(libvirt.uri(), "domjobabort", domain.uuid()),
                task -> Thread.ofPlatform().daemon().name("abort-guard").start(task));
    }

    private Plan plan(DomainInfo domain, DomainDefinition definition, List<DiskSpec> chosen,
                      List<PointManifest.SkippedDisk> skipped, BackgroundRead<PreviousPointRead.Base> base,
                      TrackingStateRead.State tracking)
            throws IOException {
        PhaseTrace trace = new PhaseTrace();
        boolean running = domain.state().active();
        List<String> checkpoints = tracking.checkpoints();
        Map<String, Set<String>> qemuBitmaps = tracking.qemuBitmaps();
        PreviousPointRead.Base previousRead = base.join();
        PointManifest previous = previousRead.point();
        trace.mark("previous point read");
        String previousCheckpoint = previous == null ? null : PointFacts.of(previous).checkpoint();
        Set<String> checkpointDisks = new HashSet<>();
        if (previousCheckpoint != null && checkpoints.contains(previousCheckpoint)) {
            List<String> bitmapDisks = tracking.bitmapDisksOf(previousCheckpoint); // read with the checkpoints
            checkpointDisks.addAll(bitmapDisks != null ? bitmapDisks
                    : BackupXml.bitmapDisksOf(libvirt.checkpointXml(domain.name(), previousCheckpoint)));
        }
        List<DiskPlan> plans = new ArrayList<>();
        long total = 0;
        for (DiskSpec disk : chosen) {
            ChangeTracking.Facts facts;
            if (running) {
                // the disk's size is checked against the NBD export once connected: no qemu-img process per
                // disk on the common path
                facts = facts(previousRead, disk, previousCheckpoint, checkpoints, checkpointDisks,
                        qemuBitmaps.getOrDefault(disk.source(), Set.of()), -1);
            } else {
                // the size from libvirt, the bitmaps from the qcow2 the domain XML says it is: never a probe of
                // the disk's content, which the guest writes (a raw disk may start with any header)
                long size = libvirt.blockInfo(domain.name(), disk.target()).capacity();
                Set<String> bitmaps = disk.bitmapCapable()
                        ? consistentBitmaps(DiskImages.inspect(Path.of(disk.source()), disk.formatOrRaw())) : Set.of();
                facts = facts(previousRead, disk, previousCheckpoint, checkpoints, checkpointDisks, bitmaps, size);
            }
            DiskPlan plan = ChangeTracking.plan(facts);
            plans.add(plan);
            total += facts.currentSize() >= 0 ? facts.currentSize() : plan.base() != null ? plan.base().diskSize() : 0;
        }
        return new Plan(definition, chosen, skipped, plans, previous, total);
    }

    /** {@link #createScratch} on a thread of its own; the future fails as it would have. */
    private CompletableFuture<Void> createScratchInBackground(DomainInfo domain, List<DiskSpec> chosen,
                                                              RuntimeDirectory run, PhaseTrace trace) {
        return CompletableFuture.runAsync(() -> {
            try {
                createScratch(domain, chosen.stream().map(DiskSpec::target).toList(), run);
                trace.mark("scratch images created");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("scratch-images").start(task));
    }

    private static void awaitScratch(CompletableFuture<Void> scratch) throws IOException {
        try {
            scratch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static void awaitQuietly(CompletableFuture<Void> scratch, Exception failure) {
        try {
            awaitScratch(scratch);
        } catch (IOException | RuntimeException e) {
            if (e != failure && e.getCause() != failure) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * One empty qcow2 scratch image per exported disk, of the disk's size as QEMU sees it, made here (before
     * any freeze) rather than by libvirt's {@code backup-begin}: libvirt would create each one in QEMU with a
     * {@code blockdev-create} job, during which any other client's block query of the domain (another Coffer
     * process listing instances, libvirt's own stats) aborts QEMU 7.2 (docs/design/backup-flow.md, "QEMU 7.2
     * hazards"). {@link StagedBackup#begin} then has libvirt only attach them.
     */
    private void createScratch(DomainInfo domain, List<String> targets, RuntimeDirectory run) throws IOException {
        long[] sizes = new long[targets.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = libvirt.blockInfo(domain.name(), targets.get(i)).capacity();
        }
        // one qemu-img process per disk, at once: the start of a backup runs on one core (docs/performance.md,
        // session 10), so its waits on child processes should overlap
        ChunkWorkers.run(sizes.length, sizes.length, 0,
                (i, unused) -> DiskImages.createScratch(run.scratch(targets.get(i)), sizes[i]));
    }

    /**
     * Removes now what killed runs left on the instance (their backup job, sockets, scratch files), as its next backup
     * would; returns what was done. A {@code coffer agent} calls it for its host's instances when it starts
     * (docs/design/agents.md), a server for the instances {@link #abandonedRuns} names when it starts. Nothing when the
     * instance is gone.
     */
    public List<String> cleanLeftovers(String instance) throws IOException {
        DomainInfo domain = libvirt.domain(instance).orElse(null);
        List<String> done = new ArrayList<>();
        if (domain != null) {
            cleanLeftovers(domain, done);
        }
        return done;
    }

    /**
     * The domains (by the first 8 characters of their uuid) a killed run left a runtime directory for under
     * {@code runtimeRoot} (its backup job may still run on the domain): for a server's start, which then cleans those
     * domains' leftovers with {@link #cleanLeftovers(String)} (docs/reliability.md, session 19). Empty when none.
     */
    public static java.util.Set<String> abandonedRuns(Path runtimeRoot) throws IOException {
        return RuntimeDirectory.abandonedPrefixes(runtimeRoot);
    }

    /**
     * Leftovers of killed runs: a backup job still serving a socket in an abandoned runtime directory is
     * aborted; the directories (sockets, scratch files) are deleted; checkpoints newer than the one the
     * newest point needs are removed by {@link StagedBackup#pruneCheckpoints} after the next success.
     */
    private void cleanLeftovers(DomainInfo domain, List<String> warnings) throws IOException {
        List<Path> abandoned = RuntimeDirectory.abandoned(runtimeRoot, domain.uuid());
        if (abandoned.isEmpty()) {
            return;
        }
        vault(); // a backup whose vault does not open changes nothing on the host
        if (domain.state().active()) {
            try {
                var job = libvirt.job(domain.name());
                if (job.isPresent() && job.get().isBackup()) {
                    String backupXml = libvirt.backupXml(domain.name());
                    if (abandoned.stream().anyMatch(dir -> backupXml.contains(dir.toString()))) {
                        libvirt.abortJob(domain.name());
                        warnings.add("aborted the backup job left running by an interrupted run");
                        // libvirt ends it once QEMU has cancelled the block jobs
                        if (!libvirt.awaitNoBackupJob(domain.name(), LEFTOVER_JOB_WAIT)) {
                            warnings.add(LEFTOVER_JOB_STUCK);
                        }
                    }
                }
            } catch (LibvirtException e) {
                // libvirt is tearing the dead run's job down itself ("backup job data missing"): wait for it
                warnings.add(libvirt.awaitNoBackupJob(domain.name(), LEFTOVER_JOB_WAIT)
                        ? "the backup job of an interrupted run was ended by libvirt" : LEFTOVER_JOB_STUCK);
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
            FileTree.delete(dir); // scratch files included; libvirt may be removing the socket meanwhile
            warnings.add("removed the runtime directory " + dir.getFileName() + " of an interrupted run");
        }
    }

    private static ChangeTracking.Facts facts(PreviousPointRead.Base base, DiskSpec disk, String checkpoint,
                                              List<String> checkpoints, Set<String> checkpointDisks,
                                              Set<String> bitmaps, long size) {
        PointManifest previous = base.point();
        return new ChangeTracking.Facts(disk, previous == null ? null : previous.id(), base.indexes().get(disk.target()),
                base.problems().get(disk.target()), checkpoint, Set.copyOf(checkpoints), checkpointDisks, bitmaps, size);
    }

    /** The image's bitmaps without those qemu-img flags in use (not stored cleanly): what the plan may trust. */
    static Set<String> consistentBitmaps(ImageInfo info) {
        Set<String> result = new HashSet<>(info.bitmaps());
        info.inconsistentBitmaps().forEach(result::remove);
        return result;
    }

    private static void choose(DomainDefinition definition, Set<String> wanted, List<DiskSpec> chosen,
                               List<PointManifest.SkippedDisk> skipped) {
        BackupDisks.check(definition.name(), wanted, definition.disks().stream().map(DiskSpec::target).toList(), "");
        for (DiskSpec disk : definition.disks()) {
            boolean selected = wanted.isEmpty() || wanted.contains(disk.target());
            if (!selected) {
                continue;
            }
            disk.unsupportedReason().ifPresentOrElse(
                    reason -> skipped.add(new PointManifest.SkippedDisk(disk.target(), reason)),
                    () -> chosen.add(disk));
        }
        if (chosen.isEmpty()) {
            throw new CofferException(ErrorCode.UnsupportedDisk, "no disk of domain " + definition.name()
                    + " can be backed up: " + skipped);
        }
    }

}
