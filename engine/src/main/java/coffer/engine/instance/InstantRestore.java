package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.live.PointServer;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.image.DiskImages;
import coffer.virt.libvirt.BlockJob;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Boots a point as a new instance within seconds and moves its data to local disk files while it runs: the
 * mechanics of {@code coffer restore instance --instant}.
 *
 * <ol>
 *   <li>The point's disks are served over NBD straight from the vault ({@link PointServer}, on a socket in a
 *       private runtime directory).</li>
 *   <li>Each disk becomes a local qcow2 overlay whose backing is its export; the new instance (new name, UUID
 *       and MACs, as {@link InstanceRestore#asNewInstance}) is defined with that backing chain and started: it
 *       reads what it has not written from the vault, on demand.</li>
 *   <li>A block pull per disk ({@code virDomainBlockPull}) copies the rest into the overlays while the guest runs,
 *       one disk at a time: QEMU 7.2 (Debian 12) crashes when several block pulls of one domain run together
 *       (docs/design/live-access.md). A virtual thread of the session starts each pull when the previous one has
 *       completed. When every pull has completed the overlays are standalone, libvirt has dropped the chain from
 *       the live and persistent definitions, and the export is closed: the instance no longer depends on
 *       Coffer.</li>
 * </ol>
 *
 * <p>Cancelling or failing before completion leaves no instance: the pulls are aborted, the domain destroyed and
 * undefined, the overlays deleted, the export closed. Never an instance pointing at a dead export.
 *
 * <p>Thread-safe: {@link #start} returns a {@link Session} owned by the caller.
 */
public final class InstantRestore {
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long a completed pull's backing chain may take to leave the live definition. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    /**
     * What to restore: a point reference, the new instance's name, where its disk files go (null: beside the
     * originals), a runtime directory for the export's socket, and the copy's speed limit per disk (0: none).
     */
    public record Request(String point, String newName, Path diskDirectory, Path runtimeDirectory, long bytesPerSecond) {
    }

    private final Libvirt libvirt;
    private final Vault vault;
    private final RestoreDirectories directories;

    /** Overlays anywhere the caller may write (the offline command line, tests). */
    public InstantRestore(Libvirt libvirt, Vault vault) {
        this(libvirt, vault, RestoreDirectories.anywhere());
    }

    /**
     * Overlays only where {@code directories} allow (a server's restore directories, or beside the instance's own
     * disks: {@code RestoreTargetNotAllowed} otherwise, before anything is created).
     */
    public InstantRestore(Libvirt libvirt, Vault vault, RestoreDirectories directories) {
        this.libvirt = libvirt;
        this.vault = vault;
        this.directories = directories;
    }

    /** Defines and starts the new instance on overlays of the point's export and starts copying. */
    public Session start(Request request) {
        Session session = null;
        try {
            PointManifest point = vault.resolve(request.point());
            DomainDefinition stored = InstanceRestore.definitionOf(point);
            if (libvirt.domain(request.newName()).isPresent()) {
                throw new CofferException(ErrorCode.NameTaken, "a domain named '" + request.newName() + "' already exists");
            }
            InstanceRestore targets = new InstanceRestore(libvirt, vault, 0, directories);
            for (PointManifest.Disk disk : point.disks()) {
                targets.checkTarget(overlayFile(request, stored, disk), point); // every overlay, before any is made
            }
            Path runtime = Files.createTempDirectory(Files.createDirectories(request.runtimeDirectory()), "instant-");
            session = new Session(request.newName(), runtime);
            session.server = PointServer.start(vault, new PointServer.Request(point.id(), List.of(),
                    runtime.resolve("nbd.sock"), null, PointServer.DEFAULT_CACHE_BYTES));
            Map<String, DomainDefinition.NewDisk> overlays = new LinkedHashMap<>();
            Map<String, DomainDefinition.NbdBacking> backings = new LinkedHashMap<>();
            for (PointManifest.Disk disk : point.disks()) {
                Path file = overlayFile(request, stored, disk);
                DiskImages.createOverlay(file, session.server.export(disk.name()), disk.size());
                session.disks.put(disk.name(), file);
                overlays.put(disk.name(), new DomainDefinition.NewDisk(file.toString(), "qcow2"));
                backings.put(disk.name(), new DomainDefinition.NbdBacking(session.server.server().socket(), disk.name()));
            }
            DomainDefinition copy = stored.asNewInstance(request.newName(), overlays, InstanceRestore.notRestorable(stored, point))
                    .withNbdBackings(backings);
            libvirt.define(copy.xml());
            session.defined = true;
            libvirt.start(request.newName());
            session.startCopying(request.bytesPerSecond());
            return session;
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.cancel();
            }
            throw Errors.classify(e);
        }
    }

    /** Where a disk's overlay goes: the chosen directory, else beside the original disk. */
    private static Path overlayFile(Request request, DomainDefinition stored, PointManifest.Disk disk) {
        DiskSpec spec = stored.disk(disk.name()).orElseThrow();
        Path dir = request.diskDirectory() != null ? request.diskDirectory()
                : Path.of(spec.source()).toAbsolutePath().getParent();
        return dir.resolve(request.newName() + "-" + disk.name() + ".qcow2");
    }

    /** How far one disk's copy has come. */
    public record DiskCopy(String disk, long done, long total, boolean complete) {
    }

    /**
     * A running instant restore: the instance runs from the moment {@link #start} returns, while the session's
     * thread copies its disks one after the other; {@link #awaitLocal} waits for the copy, {@link #cancel} removes
     * everything. Thread-safe.
     */
    public final class Session implements AutoCloseable {
        private final String name;
        private final Path runtime;
        private final Map<String, Path> disks = new LinkedHashMap<>();
        private final List<String> queue = new ArrayList<>(); // disks whose pull has not started, guarded by this
        private final List<String> copied = new ArrayList<>(); // guarded by this
        private PointServer server;
        private boolean defined;
        private volatile boolean local;
        private volatile boolean cancelled;
        private String copying; // the disk being pulled, guarded by this
        private long settling; // when the current pull's job was first seen gone with its chain still there, guarded by this
        private long bytesPerSecond; // guarded by this
        private RuntimeException failure; // why the copy stopped, guarded by this
        private Thread pump;

        private Session(String name, Path runtime) {
            this.name = name;
            this.runtime = runtime;
        }

        public String name() {
            return name;
        }

        /** The local disk files by target, qcow2: overlays until the copy completes, the instance's disks after. */
        public Map<String, Path> disks() {
            return Map.copyOf(disks);
        }

        /** The export the instance reads through until the copy completes (closed after). */
        public PointServer server() {
            return server;
        }

        private synchronized void startCopying(long speed) throws LibvirtException {
            bytesPerSecond = speed;
            queue.addAll(disks.keySet());
            pumpOnce();
            pump = Thread.ofVirtual().name("instant-restore-" + name).start(this::pumpUntilDone);
        }

        private void pumpUntilDone() {
            try {
                while (!cancelled && !copiedAll()) {
                    Thread.sleep(POLL);
                    pumpOnce();
                }
            } catch (InterruptedException e) {
                // cancelled
            } catch (LibvirtException | RuntimeException e) {
                synchronized (this) {
                    failure = Errors.classify(e);
                }
            }
        }

        private synchronized boolean copiedAll() {
            return copying == null && queue.isEmpty();
        }

        /** Notices the current pull's end and starts the next. */
        private synchronized void pumpOnce() throws LibvirtException {
            if (cancelled) {
                return;
            }
            if (copying != null && libvirt.blockJob(name, copying).isEmpty()) {
                // the job is gone from libvirt's list before QEMU and libvirt have dropped the disk's backing chain;
                // the next pull starts only once the live definition no longer names this disk's export (a pull
                // started in that window was seen to crash QEMU 7.2: docs/design/live-access.md)
                if (libvirt.domainXml(name, false).contains("protocol='nbd' name='" + copying + "'")) {
                    if (settling == 0) {
                        settling = System.nanoTime();
                    } else if (System.nanoTime() - settling > SETTLE.toNanos()) {
                        throw new CofferException(ErrorCode.HypervisorFailure, "the copy of disk " + copying + " of "
                                + name + " ended but the instance still reads it from the export after "
                                + SETTLE.toSeconds() + " s");
                    }
                    return;
                }
                settling = 0;
                copied.add(copying);
                copying = null;
            }
            if (copying == null && !queue.isEmpty()) {
                copying = queue.removeFirst();
                libvirt.blockPull(name, copying, bytesPerSecond);
            }
        }

        /** Each disk's copy: done and total units of its block job, complete once it has ended, 0 of 0 before. */
        public synchronized List<DiskCopy> progress() {
            List<DiskCopy> copies = new ArrayList<>();
            try {
                for (String disk : disks.keySet()) {
                    if (copied.contains(disk)) {
                        copies.add(new DiskCopy(disk, 1, 1, true));
                    } else if (disk.equals(copying)) {
                        Optional<BlockJob> job = libvirt.blockJob(name, disk);
                        copies.add(job.map(j -> new DiskCopy(disk, j.cur(), j.end(), false))
                                .orElseGet(() -> new DiskCopy(disk, 1, 1, true)));
                    } else {
                        copies.add(new DiskCopy(disk, 0, 0, false));
                    }
                }
            } catch (LibvirtException e) {
                throw Errors.classify(e);
            }
            return copies;
        }

        /** Changes the copy's speed limit, for the disk being copied and those after it (0: unlimited). */
        public synchronized void speed(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
            try {
                if (copying != null && libvirt.blockJob(name, copying).isPresent()) {
                    libvirt.blockJobSpeed(name, copying, bytesPerSecond);
                }
            } catch (LibvirtException e) {
                throw Errors.classify(e);
            }
        }

        /**
         * Waits until every disk's copy has completed, checks that no disk of the running instance still reads
         * from the export, then closes the export. Fails (leaving the session running, to retry or cancel) after
         * {@code timeout}, or when the copy failed.
         */
        public void awaitLocal(Duration timeout) {
            try {
                if (!pump.join(timeout)) {
                    throw new CofferException(ErrorCode.HypervisorFailure, "instant restore of " + name
                            + " still copying after " + timeout.toSeconds() + " s: " + progress());
                }
                synchronized (this) {
                    if (failure != null) {
                        throw failure;
                    }
                    if (cancelled) {
                        throw new CofferException(ErrorCode.Cancelled, "instant restore of " + name + " was cancelled");
                    }
                }
                String live = libvirt.domainXml(name, false);
                if (live.contains(server.server().socket().toString())) {
                    throw new CofferException(ErrorCode.HypervisorFailure, "instance " + name
                            + " still names the export after its copy completed; the copy did not take");
                }
                local = true;
                server.close();
                deleteQuietly(runtime);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CofferException(ErrorCode.Cancelled, "cancelled while waiting for the copy of " + name);
            } catch (LibvirtException e) {
                throw Errors.classify(e);
            }
        }

        /** Whether the copy has ended: completed, failed or cancelled ({@link #awaitLocal} says which). */
        public boolean copyEnded() {
            return pump == null || !pump.isAlive();
        }

        /** Whether the copy completed: the instance runs from local files only. */
        public boolean local() {
            return local;
        }

        /**
         * Removes the instance unless its copy completed: stops the copy, destroys and undefines the domain,
         * deletes the overlays, closes the export. Idempotent; never throws.
         */
        public void cancel() {
            if (local) {
                return;
            }
            cancelled = true;
            if (pump != null) {
                pump.interrupt();
                try {
                    pump.join(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                if (defined) {
                    try {
                        libvirt.destroy(name); // ends the block job with the domain
                    } catch (LibvirtException ignored) {
                        // not running
                    }
                    try {
                        libvirt.undefine(name);
                    } catch (LibvirtException ignored) {
                        // already gone
                    }
                    defined = false;
                }
            }
            for (Path file : disks.values()) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // left for the operator: named in the log of the job that owns this session
                }
            }
            if (server != null) {
                try {
                    server.close();
                } catch (RuntimeException ignored) {
                    // the socket file goes with the runtime directory
                }
            }
            deleteQuietly(runtime);
        }

        /** {@link #cancel()} unless the copy completed. */
        @Override
        public void close() {
            cancel();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            coffer.vault.fs.FileTree.delete(dir);
        } catch (IOException ignored) {
            // an empty runtime directory left behind
        }
    }
}
