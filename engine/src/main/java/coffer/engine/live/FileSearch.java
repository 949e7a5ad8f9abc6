package coffer.engine.live;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.fs.FileTree;
import coffer.virt.guestfs.FileStat;
import coffer.virt.guestfs.Filesystem;
import coffer.virt.guestfs.Guestfs;
import coffer.virt.guestfs.GuestfsException;
import coffer.virt.nbd.NbdExport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds files by name across points (docs/design/live-access.md, "Searching a file across points"): each chosen disk
 * of each point served over NBD from its vault ({@link PointServer}), several points' disks given to one libguestfs
 * appliance as read-only drives (one boot for up to {@link Query#drivesPerAppliance} drives), every mountable file
 * system mounted read-only in turn, every path under the directory listed by the appliance ({@code find0}, names as
 * bytes), the names matched by Coffer ({@link NameGlob}), the matches stat'ed ({@code lstat}: links are reported,
 * never followed) and regular files up to {@link Query#maxChecksumBytes} checksummed (SHA-256, inside the appliance).
 *
 * <p>A drive set whose file systems cannot be told apart by drive (LVM, md: not named after one drive) is searched
 * again one point per appliance. File systems whose id repeats across the drives (every point of one guest's disk)
 * are mounted one at a time, each by its device: {@code FileSearchIT} checks that two btrfs points of one file system
 * id each give their own content in one appliance. Guest names are only ever names inside the appliance; the host file the appliance writes the listing to
 * is Coffer's, in a private runtime directory. At most {@link Query#maxMatches} matches; the result says when more were
 * left out.
 *
 * <p>Progress: the bytes of the searched points' disks, advanced as each point is done. An interrupt
 * (a cancelled job) stops the search: the appliance and the NBD servers are shut down before it returns
 * ({@code Cancelled}). Stateless.
 */
public final class FileSearch {
    /** The most matches one search returns. */
    public static final int MAX_MATCHES = 10_000;
    /** Regular files up to this size are checksummed; larger ones are reported without. */
    public static final long MAX_CHECKSUM_BYTES = 256L << 20;
    /**
     * The most bytes of holes (a file's size beyond what its file system stores: {@link FileStat#unallocated}) one search
     * checksums over all its files; a file that would go over it is reported without checksum (a note counts them).
     * Without it, a guest's many sparse files just under {@link #MAX_CHECKSUM_BYTES} would each be read in full (session 21,
     * docs/reliability.md).
     */
    public static final long MAX_CHECKSUM_HOLES = 1L << 30;
    /** The most drives one appliance gets. */
    public static final int DRIVES_PER_APPLIANCE = 16;

    private FileSearch() {
    }

    /** One point to search and the vault that holds it. */
    public record Target(Vault vault, PointManifest point) {
    }

    /**
     * What to look for: file names matching {@code name}, under directory {@code path}, on {@code disk} (null: every
     * disk), on {@code filesystem} (null: every mountable one; a device as {@code coffer files fs} shows it for that
     * disk alone, {@code /dev/sda1}).
     */
    public record Query(NameGlob name, GuestPath path, String disk, String filesystem, int maxMatches,
                        long maxChecksumBytes, int drivesPerAppliance, long maxChecksumHoles) {
        public Query(NameGlob name, GuestPath path, String disk, String filesystem) {
            this(name, path, disk, filesystem, MAX_MATCHES, MAX_CHECKSUM_BYTES, DRIVES_PER_APPLIANCE);
        }

        public Query(NameGlob name, GuestPath path, String disk, String filesystem, int maxMatches,
                     long maxChecksumBytes, int drivesPerAppliance) {
            this(name, path, disk, filesystem, maxMatches, maxChecksumBytes, drivesPerAppliance, MAX_CHECKSUM_HOLES);
        }
    }

    /**
     * One file found: the point, disk and file system ({@code /dev/sda1} as for the disk alone), its absolute path (the
     * name itself when UTF-8, else escaped and {@code escaped} set: {@link GuestNames}), type, size, modification time,
     * SHA-256 (regular files up to the bound; else null) and a link's target (null for any other type), read as bytes
     * and given as a directory listing gives it ({@link LinkTarget}).
     */
    public record Match(String point, Instant pointTime, String disk, String filesystem, String path, boolean escaped,
                        FileStat.Type type, long size, Instant modified, String sha256, LinkTarget linkTarget) {
    }

    /** The matches (by point time, oldest first, then disk, file system, path), what was searched and how. */
    public record Result(List<Match> matches, int points, int appliances, boolean truncated, List<String> notes,
                         Duration bootTime) {
        public Result {
            matches = List.copyOf(matches);
            notes = List.copyOf(notes);
        }
    }

    /** Searches {@code targets} (any order); {@code log} gets one line per appliance and per point done. */
    public static Result run(List<Target> targets, Query query, Path runtimeRoot, Guestfs.Options options,
                             JobProgress progress, Consumer<String> log) {
        if (targets.isEmpty()) {
            throw new CofferException(ErrorCode.PointNotFound, "no points to search");
        }
        List<Drives> chosen = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Target t : targets) {
            List<PointManifest.Disk> disks = t.point().disks().stream()
                    .filter(d -> query.disk() == null || d.name().equals(query.disk())).toList();
            if (disks.isEmpty()) {
                notes.add("point " + t.point().id() + " has no disk " + query.disk() + " (its disks: "
                        + t.point().disks().stream().map(PointManifest.Disk::name).toList() + ")");
            } else {
                chosen.add(new Drives(t, disks));
            }
        }
        if (chosen.isEmpty()) {
            throw new CofferException(ErrorCode.DiskNotInPoint, "none of the " + targets.size() + " point(s) has disk '"
                    + query.disk() + "' (the newest has " + targets.getFirst().point().disks().stream()
                    .map(PointManifest.Disk::name).toList() + ")");
        }
        progress.starting(chosen.stream().mapToLong(Drives::bytes).sum());
        Search search = new Search(query, runtimeRoot, options, progress, log, notes, chosen.size());
        try {
            List<Drives> batch = new ArrayList<>();
            int drives = 0;
            for (Drives d : chosen) {
                if (!batch.isEmpty() && drives + d.disks().size() > query.drivesPerAppliance()) {
                    search.batch(batch);
                    batch = new ArrayList<>();
                    drives = 0;
                }
                batch.add(d);
                drives += d.disks().size();
            }
            if (!batch.isEmpty()) {
                search.batch(batch);
            }
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
        if (search.unhashedSparse > 0) {
            notes.add(search.unhashedSparse + " sparse file(s) reported without checksum (" + search.firstUnhashed
                    + " first): a search checksums at most " + query.maxChecksumHoles() + " bytes of holes ("
                    + coffer.engine.ByteSize.of(query.maxChecksumHoles()) + ")");
        }
        List<Match> sorted = search.matches.stream().sorted(Comparator.comparing(Match::pointTime).thenComparing(Match::point)
                .thenComparing(Match::disk).thenComparing(Match::filesystem).thenComparing(Match::path)).toList();
        return new Result(sorted, chosen.size(), search.appliances, search.truncated, notes, search.bootTime);
    }

    /** The disks of one point to search. */
    private record Drives(Target target, List<PointManifest.Disk> disks) {
        long bytes() {
            return disks.stream().mapToLong(PointManifest.Disk::size).sum();
        }
    }

    /** One search's state: the matches so far, appliances booted. */
    private static final class Search {
        private final Query query;
        private final Path runtimeRoot;
        private final Guestfs.Options options;
        private final JobProgress progress;
        private final Consumer<String> log;
        private final List<String> notes;
        private final int total;
        private final List<Match> matches = new ArrayList<>();
        private int done;
        private int appliances;
        private boolean truncated;
        private Duration bootTime = Duration.ZERO;
        private long holesHashed;
        private long unhashedSparse;
        private String firstUnhashed;

        Search(Query query, Path runtimeRoot, Guestfs.Options options, JobProgress progress, Consumer<String> log,
               List<String> notes, int total) {
            this.query = query;
            this.runtimeRoot = runtimeRoot;
            this.options = options;
            this.progress = progress;
            this.log = log;
            this.notes = notes;
            this.total = total;
        }

        /** Searches the points of {@code batch} in one appliance (or one each, when their file systems need it). */
        void batch(List<Drives> batch) throws IOException {
            if (truncated) {
                for (Drives d : batch) {
                    pointDone(d, " (not searched: the match limit was reached)");
                }
                return;
            }
            Path runtime = Files.createTempDirectory(Files.createDirectories(runtimeRoot), "files-");
            Files.writeString(runtime.resolve("owner"), Long.toString(ProcessHandle.current().pid()));
            List<PointServer> servers = new ArrayList<>();
            try {
                List<NbdExport> exports = new ArrayList<>();
                List<Drive> driveOf = new ArrayList<>(); // by drive index
                for (int i = 0; i < batch.size(); i++) {
                    Drives d = batch.get(i);
                    PointServer server = PointServer.start(d.target().vault(), new PointServer.Request(d.target().point().id(),
                            d.disks().stream().map(PointManifest.Disk::name).toList(), runtime.resolve("nbd-" + i + ".sock"),
                            null, PointServer.DEFAULT_CACHE_BYTES), "file search on " + runtime);
                    servers.add(server);
                    for (PointManifest.Disk disk : d.disks()) {
                        exports.add(server.export(disk.name()));
                        driveOf.add(new Drive(d, disk.name()));
                    }
                }
                List<Located> located = new ArrayList<>();
                boolean alone = false;
                try (Guestfs guestfs = Guestfs.launch(exports, options)) {
                    appliances++;
                    bootTime = bootTime.plus(guestfs.launchTime());
                    log.accept("appliance " + appliances + " booted in " + guestfs.launchTime().toMillis() + " ms with "
                            + exports.size() + " drive(s) of " + batch.size() + " point(s)");
                    for (Filesystem fs : guestfs.filesystems()) {
                        int drive = Guestfs.driveIndex(fs.device());
                        if (batch.size() > 1 && (drive < 0 || drive >= driveOf.size())) {
                            alone = true;
                            break;
                        }
                        if (fs.mountable()) {
                            located.add(new Located(fs, drive));
                        }
                    }
                    if (!alone) {
                        searchAll(guestfs, batch, driveOf, located, runtime);
                    }
                }
                if (alone) {
                    log.accept("file systems not told apart by drive (LVM or md): one appliance per point");
                    closeAll(servers);
                    servers.clear();
                    for (Drives d : batch) {
                        batch(List.of(d));
                    }
                    return;
                }
            } finally {
                closeAll(servers);
                FileTree.delete(runtime);
            }
        }

        private record Located(Filesystem fs, int drive) {
        }

        /** One drive of an appliance: a point's disk. */
        private record Drive(Drives point, String disk) {
        }

        /** Searches the file systems point by point (drive order), each point counted done as its last one is searched. */
        private void searchAll(Guestfs guestfs, List<Drives> batch, List<Drive> driveOf, List<Located> located, Path runtime)
                throws IOException {
            for (Drives point : batch) {
                if (truncated) {
                    pointDone(point, " (not searched: the match limit was reached)");
                    continue;
                }
                for (Located l : located) {
                    boolean onDrive = l.drive() >= 0 && l.drive() < driveOf.size();
                    if (truncated || (onDrive ? driveOf.get(l.drive()).point() != point : point != batch.getFirst())) {
                        continue;
                    }
                    String disk;
                    String shown;
                    if (onDrive) {
                        disk = driveOf.get(l.drive()).disk();
                        shown = l.fs().device().replaceFirst("^/dev/sd[a-z]+", "/dev/sda"); // as for the disk alone
                    } else { // one point: an LVM volume or an md array of its disks
                        disk = point.disks().size() == 1 ? point.disks().getFirst().name() : "-";
                        shown = l.fs().device();
                    }
                    if (query.filesystem() == null || query.filesystem().equals(shown)) {
                        searchFilesystem(guestfs, point, disk, shown, l.fs(), runtime);
                    }
                }
                pointDone(point, "");
            }
        }

        private void searchFilesystem(Guestfs guestfs, Drives point, String disk, String shown, Filesystem fs, Path runtime)
                throws IOException {
            PointManifest manifest = point.target().point();
            try {
                guestfs.mountReadOnly(fs.device());
            } catch (GuestfsException e) {
                notes.add("point " + manifest.id() + " disk " + disk + ": " + shown + " (" + fs.type() + ") did not mount: "
                        + e.getMessage());
                return;
            }
            byte[] dir = query.path().bytes();
            try {
                if (guestfs.stat(dir).type() != FileStat.Type.DIRECTORY) {
                    return;
                }
            } catch (GuestfsException missing) {
                return; // no such directory in this file system: nothing to find
            }
            List<byte[]> listed = new ArrayList<>();
            int room = query.maxMatches() - matches.size();
            try {
                guestfs.find(dir, runtime.resolve("find.list"), relative -> {
                    int slash = lastSlash(relative);
                    byte[] name = Arrays.copyOfRange(relative, slash + 1, relative.length);
                    if (listed.size() <= room && query.name().matches(name)) {
                        listed.add(relative);
                    }
                });
            } catch (GuestfsException e) { // a damaged file system: the others are still searched
                notes.add("point " + manifest.id() + " disk " + disk + ": " + shown + " could not be listed: " + e.getMessage());
                return;
            }
            List<byte[]> found = listed;
            if (listed.size() > room) {
                truncated = true;
                found = listed.subList(0, room);
            }
            byte[] prefix = query.path().isRoot() ? dir : concat(dir, new byte[] {'/'});
            List<byte[]> absolutes = found.stream().map(relative -> concat(prefix, relative)).toList();
            List<FileStat> stats = stats(guestfs, absolutes);
            for (int i = 0; i < found.size(); i++) {
                byte[] absolute = absolutes.get(i);
                FileStat stat = stats.get(i);
                String sha = null;
                LinkTarget link = null;
                if (stat.type() == FileStat.Type.FILE && stat.size() <= query.maxChecksumBytes()) {
                    if (stat.unallocated() <= query.maxChecksumHoles() - holesHashed) {
                        holesHashed += stat.unallocated();
                        sha = guestfs.sha256(absolute);
                    } else if (unhashedSparse++ == 0) {
                        firstUnhashed = "point " + manifest.id() + " disk " + disk + " " + shown + " " + GuestNames.escape(absolute);
                    }
                } else if (stat.type() == FileStat.Type.SYMLINK) {
                    link = LinkTarget.of(guestfs.readlinkBytes(absolute)); // exact: a target that is not UTF-8 escaped
                }
                String utf8 = GuestNames.utf8(absolute);
                matches.add(new Match(manifest.id(), manifest.createdAt(), disk, shown, utf8 != null ? utf8 : GuestNames.escape(absolute),
                        utf8 == null, stat.type(), stat.size(), stat.modified(), sha, link));
            }
        }

        /** The lstat of each absolute path, asked per directory (libguestfs takes plain names in one directory). */
        private static List<FileStat> stats(Guestfs guestfs, List<byte[]> absolutes) throws IOException {
            Map<String, List<Integer>> byParent = new LinkedHashMap<>();
            for (int i = 0; i < absolutes.size(); i++) {
                byte[] path = absolutes.get(i);
                int slash = lastSlash(path);
                byParent.computeIfAbsent(HexFormat.of().formatHex(path, 0, Math.max(slash, 1)), k -> new ArrayList<>()).add(i);
            }
            FileStat[] stats = new FileStat[absolutes.size()];
            for (List<Integer> indexes : byParent.values()) {
                byte[] first = absolutes.get(indexes.getFirst());
                int slash = lastSlash(first);
                byte[] parent = Arrays.copyOfRange(first, 0, Math.max(slash, 1));
                List<byte[]> names = indexes.stream().map(i -> Arrays.copyOfRange(absolutes.get(i),
                        lastSlash(absolutes.get(i)) + 1, absolutes.get(i).length)).toList();
                List<FileStat> got = guestfs.statsOf(parent, names);
                for (int k = 0; k < indexes.size(); k++) {
                    stats[indexes.get(k)] = got.get(k);
                }
            }
            return List.of(stats);
        }

        private void pointDone(Drives d, String how) {
            done++;
            progress.advance(d.bytes());
            log.accept("point " + d.target().point().id() + " searched (" + done + " of " + total + ")" + how);
        }

        /** Closes every server, each even when one before it failed to; the first failure is thrown after. */
        private static void closeAll(List<PointServer> servers) {
            RuntimeException first = null;
            for (PointServer s : servers) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }

        private static int lastSlash(byte[] path) {
            for (int i = path.length - 1; i >= 0; i--) {
                if (path[i] == '/') {
                    return i;
                }
            }
            return -1;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
