package coffer.engine.operation.offline;

import coffer.engine.JobProgress;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.group.GroupBackup;
import coffer.engine.group.GroupClone;
import coffer.engine.group.GroupPoint;
import coffer.engine.group.GroupPoints;
import coffer.engine.group.GroupRestore;
import coffer.engine.instance.InstanceBackup;
import coffer.vault.trace.PhaseTrace;
import coffer.engine.instance.InstanceClone;
import coffer.engine.instance.InstanceDiscovery;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.PointFacts;
import coffer.engine.operation.*;
import coffer.engine.policy.PointDeletion;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.vault.CorruptDataException;
import coffer.vault.PointIds;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.PointNotFoundException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.Vault;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link Operations} offline: on one vault and one libvirt host, in this process, without a server. Long
 * operations run when awaited; the queries a vault answers (its points, group points) and the domains of the
 * host are answered here. Everything a catalog holds (protections, policies, plans, jobs, tokens, catalog groups)
 * and what names a server's vault is refused, naming the mode that can. The vault and the libvirt connection are
 * opened on first use (the connection in the background while the vault opens) and closed by {@link #close}.
 *
 * <p>Not thread-safe: one command's operations, one after the other.
 */
public final class OfflineOperations implements Operations, AutoCloseable {
    /**
     * @param vault   the vault's directory (null: the operation must need none)
     * @param keyRing the key ring of an encrypted vault
     * @param uri     the libvirt URI
     * @param threads chunk workers per disk (0: the default)
     * @param command the command that asks, as its user typed it ({@code coffer point extend}), named when an
     *                operation is refused for needing a server; null: the operation's name in words
     */
    public record Settings(VaultLocation vault, Path keyRing, String uri, Path runtimeRoot, int threads, Clock clock,
                           String command) {
        /** Without a command to name: a refusal names the operation in words. */
        public Settings(VaultLocation vault, Path keyRing, String uri, Path runtimeRoot, int threads, Clock clock) {
            this(vault, keyRing, uri, runtimeRoot, threads, clock, null);
        }
    }

    private final Settings settings;
    private Vault vault;
    /** The vault's opening on another thread (a backup's), null when it opens on first use. */
    private CompletableFuture<Vault> opening;
    private CompletableFuture<Libvirt> libvirt;

    public OfflineOperations(Settings settings) {
        this.settings = settings;
    }

    @Override
    public <R> Run<R> start(JobOperation<R> operation) {
        return new Run<>() {
            @Override
            public Optional<JobView> job() {
                return Optional.empty();
            }

            @Override
            @SuppressWarnings("unchecked")
            public R await(JobProgress progress) {
                try {
                    return (R) run(operation, progress);
                } catch (IOException | RuntimeException e) {
                    throw Errors.classify(e);
                }
            }
        };
    }

    private Object run(JobOperation<?> operation, JobProgress progress) throws IOException {
        return switch (operation) {
            case BackupInstance b -> {
                new PhaseTrace().mark("offline backup operation starts");
                refuseVaultName(b.vault());
                refuse(b.plan() != null, "plan", "a plan's runs are a server's");
                refuse(b.replicate(), "replicate", "replication is a server's");
                refuse(b.replicateTo() != null, "replicateTo", "replication is a server's");
                connectInBackground();
                // the vault opens while libvirt connects and the backup asks it about the domain (docs/performance.md,
                // session 25); a vault that does not open fails the command with its own error, as when it opened first
                CompletableFuture<Vault> opening = openVaultInBackground();
                InstanceBackup.Result result = vaultFailureFirst(opening, () -> InstanceBackup.intoOpening(libvirt(), opening,
                        settings.runtimeRoot()).run(new InstanceBackup.Request(b.instance(),
                        b.disks() == null ? Set.of() : new LinkedHashSet<>(b.disks()), settings.threads(),
                        expiry(b.retentionDays()).with(PointFacts.described(b.description())), b.appConsistent()), progress));
                yield BackupResult.of(result);
            }
            case CloneInstance c -> {
                refuseVaultName(c.vault());
                refuse(c.region() != null, "region", "regions are a server's");
                connectInBackground();
                Vault v = vault();
                yield CloneResult.of(new InstanceClone(new InstanceBackup(libvirt(), v, settings.runtimeRoot()),
                        new InstanceRestore(libvirt(), v, settings.threads())).run(c.instance(), c.name(), path(c.dir()),
                        settings.threads(), progress));
            }
            case RestoreDisk r -> {
                connectInBackground();
                InstanceRestore.DiskResult result = new InstanceRestore(vaultThenLibvirt(), vault(), settings.threads()).disk(
                        r.point(), r.disk(), path(r.to()), r.format() == null ? null : ImageFormat.valueOf(r.format().toUpperCase()),
                        r.force(), r.full(), progress);
                yield new RestoreDiskResult(result.point().id(), result.disk(), result.file().toString(), result.write());
            }
            case RestoreInstance r -> {
                refuse(r.region() != null, "region", "regions are a server's (offline the point is in the command's vault)");
                connectInBackground();
                InstanceRestore restore = new InstanceRestore(vaultThenLibvirt(), vault(), settings.threads());
                yield RestoreInstanceResult.of(r.inPlace() ? restore.inPlace(r.point(), r.full(), progress)
                        : restore.asNewInstance(r.point(), r.newInstance(), r.start(), progress));
            }
            case BackupGroup b -> {
                refuseVaultName(b.vault());
                connectInBackground();
                Vault v = vault();
                yield GroupBackupResult.of(new GroupBackup(libvirt(), new InstanceBackup(libvirt(), v, settings.runtimeRoot()))
                        .run(new GroupBackup.Request(b.group(), members(b.instances()), b.appConsistent(), settings.threads(),
                                GroupBackup.DEFAULT_MAX_PAUSED, expiry(b.retentionDays())), progress));
            }
            case CloneGroup c -> {
                refuseVaultName(c.vault());
                connectInBackground();
                Vault v = vault();
                Libvirt l = libvirt();
                yield GroupCloneResult.of(new GroupClone(new GroupBackup(l, new InstanceBackup(l, v, settings.runtimeRoot())),
                        new GroupRestore(l, new GroupPoints(v), new InstanceRestore(l, v, settings.threads())))
                        .run(c.group(), members(c.instances()), c.appConsistent(), c.suffix(), path(c.dir()), progress));
            }
            case ReplicatePoint r -> throw new CofferException(ErrorCode.InvalidArgument, "replication needs a server"
                    + " (its regions, vaults and the points' replication status are the server's); give the server with"
                    + " --url or COFFER_URL, and no --vault ('coffer dev replicate' copies between two vault directories)");
            case ExportFiles e -> throw new CofferException(ErrorCode.InvalidArgument, "an export needs a server (its"
                    + " archive is kept in the server's export area until it expires); give the server with --url or"
                    + " COFFER_URL, and no --vault");
            case RestoreInstant r -> throw new CofferException(ErrorCode.InvalidArgument, "an instant restore needs a"
                    + " server (it serves the point until the instance's disks are copied); give the server with --url or"
                    + " COFFER_URL, and no --vault");
            case MountDisk m -> throw new CofferException(ErrorCode.InvalidArgument, "a mount needs a server (it serves the"
                    + " point for as long as the mount lasts); give the server with --url or COFFER_URL, and no --vault");
            case UnmountDisk u -> throw new CofferException(ErrorCode.InvalidArgument, "mounts are a server's; give the"
                    + " server with --url or COFFER_URL, and no --vault");
            case RestoreGroup r -> {
                connectInBackground();
                Vault v = vault();
                Libvirt l = libvirt();
                GroupRestore restore = new GroupRestore(l, new GroupPoints(v), new InstanceRestore(l, v, settings.threads()));
                yield GroupRestoreResult.of(r.inPlace() ? restore.inPlace(r.groupPoint(), r.full(), progress)
                        : restore.asNewInstances(r.groupPoint(), r.suffix(), path(r.dir()), r.start(), progress));
            }
            case VerifyVault ignored -> throw new CofferException(ErrorCode.InvalidArgument, "a verify job is a server's"
                    + " (it records its run and rotation in the catalog); offline run 'coffer vault verify --vault PATH'");
            case SearchFiles s -> {
                PointListing listing = vault().listPoints();
                List<PointManifest> points = listing.points().stream()
                        .filter(p -> s.instance().equals(p.name()) || s.instance().equals(PointFacts.of(p).uuid()))
                        .sorted(java.util.Comparator.comparing(PointManifest::createdAt).reversed())
                        .limit(s.pointsOrDefault()).toList();
                if (points.isEmpty()) {
                    throw new CofferException(ErrorCode.PointNotFound, "no point of instance '" + s.instance()
                            + "' in the vault (offline an instance is named by its points' name or UUID)");
                }
                Vault v = vault();
                yield FileSearchResult.of(s.instance(), s.name(), s.pathOrRoot(), coffer.engine.live.FileSearch.run(
                        points.stream().map(p -> new coffer.engine.live.FileSearch.Target(v, p)).toList(),
                        new coffer.engine.live.FileSearch.Query(coffer.engine.live.NameGlob.parse(s.name()),
                                s.guestPath(), s.disk(), s.filesystem()),
                        settings.runtimeRoot().resolve("files"), coffer.virt.guestfs.Guestfs.Options.DEFAULT, progress,
                        progress::note));
            }
            case DrillInstance ignored -> throw new CofferException(ErrorCode.InvalidArgument, "a restore drill needs a"
                    + " server (its budget, its record in the catalog); give the server with --url or COFFER_URL, and no --vault");
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(Operation<R> operation) {
        try {
            Object result = switch (operation) {
                case ListPoints l -> {
                    refuse(l.group() != null, "group", "groups are a server's; give the instance");
                    refuse(l.region() != null, "region", "offline the region is the vault given by its path");
                    PointListing listing = vault().listPoints();
                    List<PointView> points = listing.points().stream()
                            .filter(p -> l.instance() == null || l.instance().equals(p.name())
                                    || l.instance().equals(PointFacts.of(p).uuid()))
                            .map(p -> PointView.of(row(p), settings.clock().instant())).toList();
                    yield PointPages.page(points, damaged(listing), l);
                }
                case ShowPoint s -> {
                    PointManifest point = vault().resolve(s.point());
                    yield PointDetail.of(row(point), point, settings.clock().instant());
                }
                case DeletePoint d -> {
                    PointManifest point = readable(d.point());
                    if (point == null) { // damaged or lost: what remains goes, judged by its hold alone
                        vault().deletePoint(d.point());
                        yield new Deleted(d.point(), null, null);
                    }
                    PointDeletion.requireAllowedOffline(point.id(), PointFacts.of(point));
                    vault().deletePoint(point.id());
                    yield new Deleted(point.id(), null, null);
                }
                case ListInstances l -> {
                    refuse(l.host() != null, "host", "offline the host is the libvirt connection");
                    refuse(l.protectedOnly() != null, "protected", "protections are a server's");
                    refuse(l.group() != null || l.region() != null, "group", "groups and regions are a server's");
                    refuse(l.name() != null, "name", "offline every domain of the connection is listed in one answer");
                    refuse(l.withPoints() != null, "withPoints", "which instances have points is a server catalog's");
                    refuse(l.state() != null || l.cursor() != null || l.limit() != null, "limit",
                            "offline every domain of the connection is listed in one answer");
                    yield InstanceList.of(new InstanceDiscovery(libvirt()).list().stream()
                            .map(i -> InstanceView.of(i, settings.uri(), settings.clock().instant())).toList());
                }
                case ListFilesystems l -> coffer.engine.operation.hosted.FileBrowsing.filesystems(vault(),
                        vault().resolve(l.point()).id(), l);
                case ListFiles l -> coffer.engine.operation.hosted.FileBrowsing.files(vault(), vault().resolve(l.point()).id(), l);
                case ListGroupPoints l when l.cursor() != null || l.limit() != null -> throw new CofferException(
                        ErrorCode.InvalidArgument, "limit: not taken offline (a vault's group points are listed in one answer)");
                case ListGroupPoints l -> GroupPointList.of(new GroupPoints(vault()).list(l.group()).stream()
                        .map(this::groupPoint).toList());
                default -> throw new CofferException(ErrorCode.InvalidArgument, "this needs a server: "
                        + (settings.command() == null ? words(operation) : "`" + settings.command() + "`")
                        + " works on a server's catalog; give the server with --url or COFFER_URL, and no --vault");
            };
            return (R) result;
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    /**
     * The point {@code reference} names (id, id prefix or name), or null when it is the exact id of a point whose
     * manifest does not read or is gone (what remains of it may be deleted).
     */
    private PointManifest readable(String reference) throws IOException {
        try {
            return vault().resolve(reference);
        } catch (CorruptDataException | UnsupportedFormatException | PointNotFoundException damagedOrLost) {
            if (PointIds.isId(reference)) {
                return null;
            }
            throw damagedOrLost;
        }
    }

    /** The points of the listing that are no points: their manifest does not read, or is gone. */
    private static List<PointList.DamagedPoint> damaged(PointListing listing) {
        List<PointList.DamagedPoint> damaged = new ArrayList<>();
        listing.unreadable().forEach(u -> damaged.add(new PointList.DamagedPoint(u.pointId(), PointList.DamagedPoint.DAMAGED,
                "its manifest cannot be read (" + u.problem() + ")")));
        listing.lost().forEach(l -> damaged.add(new PointList.DamagedPoint(l.pointId(), PointList.DamagedPoint.LOST,
                "its manifest is missing, " + l.objects().size() + " object(s) remain")));
        return damaged;
    }

    /** The catalog row the point would have: the same summary a server shows of it. */
    private PointRecord row(PointManifest point) {
        return PointRecord.of(point, vaultName(), PointFacts.of(point).uuid(), null);
    }

    private GroupPointView groupPoint(GroupPoint g) {
        PointFacts.Group facts = PointFacts.of(g.members().getFirst()).group();
        // the instant as a catalog stores it (to the millisecond), so both modes show the same group point
        return new GroupPointView(g.id(), g.name(), g.name(), vaultName(), g.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                facts.mode(), g.pauseMillis(),
                g.freezeMillis(), null, g.members().stream().map(m -> new GroupPointView.Member(PointFacts.of(m).uuid(),
                m.name(), m.id(), m.consistency() == null ? "CRASH" : m.consistency())).toList(), g.complete());
    }

    private String vaultName() {
        return switch (settings.vault()) {
            case null -> null;
            case VaultLocation.Directory(Path path) -> path.toAbsolutePath().toString();
            case VaultLocation.Bucket bucket -> bucket.toString();
        };
    }

    private PointFacts expiry(Integer retentionDays) {
        return retentionDays == null ? PointFacts.NONE
                : PointFacts.expiring(settings.clock().instant().plus(Duration.ofDays(retentionDays)));
    }

    private static List<String> members(List<String> instances) {
        if (instances == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "instances: offline, name the group's instances"
                    + " (with a server the group's members are the server's group)");
        }
        return instances;
    }

    private static Path path(String path) {
        return path == null ? null : Path.of(path);
    }

    private static void refuseVaultName(String name) {
        refuse(name != null, "vault", "offline the vault is the one given by its path; a vault name is a server's");
    }

    private static void refuse(boolean given, String field, String why) {
        if (given) {
            throw new CofferException(ErrorCode.InvalidArgument, field + ": not taken offline (" + why + ")");
        }
    }

    // ---- the vault and the libvirt connection, opened on first use ----

    private Vault vault() {
        if (vault == null) {
            vault = opening != null ? joined(opening) : openVault();
        }
        return vault;
    }

    private Vault openVault() {
        if (settings.vault() == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "no vault given: pass --vault LOCATION or set COFFER_VAULT");
        }
        new PhaseTrace().mark("vault opens");
        Vault opened = new VaultOpener(settings.keyRing()).open(settings.vault());
        new PhaseTrace().mark("vault opened");
        return opened;
    }

    /** Starts opening the vault on another thread (what waits for it joins the future; {@link #vault} too). */
    private CompletableFuture<Vault> openVaultInBackground() {
        if (vault != null) {
            return CompletableFuture.completedFuture(vault);
        }
        if (opening == null) {
            opening = CompletableFuture.supplyAsync(this::openVault,
                    task -> Thread.ofPlatform().daemon().name("vault-open").start(task));
        }
        return opening;
    }

    /**
     * {@code step}'s result; should it fail, the vault's failure to open when the vault failed to open (the error a
     * command gave when its vault was opened before anything else), else the step's own.
     */
    private static <T> T vaultFailureFirst(CompletableFuture<Vault> opening, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException | Error e) {
            Throwable vaultFailure = opening.handle((v, failure) -> failure).join();
            if (vaultFailure != null) {
                RuntimeException first = vaultFailure instanceof CompletionException c && c.getCause() instanceof RuntimeException r
                        ? r : vaultFailure instanceof RuntimeException r ? r : null;
                if (first != null && first != e && e.getCause() != first) {
                    throw first;
                }
            }
            throw e;
        }
    }

    private static Vault joined(CompletableFuture<Vault> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Starts connecting to libvirt on another thread (the vault opens meanwhile: ~0.1 s saved per command). */
    private void connectInBackground() {
        if (libvirt == null) {
            libvirt = CompletableFuture.supplyAsync(this::connect,
                    task -> Thread.ofPlatform().daemon().name("libvirt-connect").start(task));
        }
    }

    private Libvirt vaultThenLibvirt() {
        vault();
        return libvirt();
    }

    private Libvirt libvirt() {
        connectInBackground();
        try {
            return libvirt.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private Libvirt connect() {
        try {
            new PhaseTrace().mark("libvirt connects");
            Libvirt connected = Libvirt.connect(settings.uri());
            new PhaseTrace().mark("libvirt connected");
            return connected;
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    @Override
    public void close() {
        if (libvirt != null) {
            libvirt.thenAccept(Libvirt::close); // at once when open; when it opens, if still connecting
        }
        if (vault != null) {
            closeQuietly(vault);
        } else if (opening != null) {
            opening.thenAccept(OfflineOperations::closeQuietly); // at once when open; when it opens, if still opening
        }
    }

    private static void closeQuietly(Vault vault) {
        try {
            vault.close();
        } catch (IOException | RuntimeException e) {
            // closing after the answer: nothing left to report to
        }
    }

    /** An operation's name as words ({@code ChangeRetention}: "change retention"), for messages. */
    static String words(Operation<?> operation) {
        return operation.getClass().getSimpleName().replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ")
                .toLowerCase(java.util.Locale.ROOT);
    }
}
