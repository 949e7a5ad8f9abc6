package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.Vault;
import coffer.virt.guestfs.FileStat;
import coffer.virt.guestfs.Filesystem;
import coffer.virt.guestfs.Guestfs;
import coffer.virt.guestfs.GuestfsException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The files of one disk of a point: the disk served over NBD from the vault ({@link PointServer}, on a socket in a
 * private runtime directory) and read by a libguestfs appliance ({@link Guestfs}). Lists partitions and file
 * systems, mounts one read-only, lists directories with each entry's metadata, stats a path, and streams chosen
 * paths into a tar + zstd archive ({@link FileArchive}). File systems are parsed inside the appliance, never on the
 * host.
 *
 * <p>Opening boots the appliance: seconds with KVM, tens of seconds under TCG (docs/design/live-access.md).
 * {@link #close()} stops the appliance, then the server, and removes the runtime directory.
 *
 * <p>Thread-safe (calls run one at a time on the appliance).
 */
public final class PointFiles implements AutoCloseable {
    /**
     * One name in a directory listing, with its metadata and, for a link, its target. {@code escaped}: the guest's name
     * is not UTF-8 and {@code name} is its escaped form ({@link GuestNames}); {@code linkEscaped}: the same of the
     * target's bytes and {@code linkTarget} (read as bytes, never decoded with replacement characters: {@link LinkTarget}).
     */
    public record Entry(String name, FileStat stat, String linkTarget, boolean escaped, boolean linkEscaped) {
        public Entry(String name, FileStat stat, String linkTarget) {
            this(name, stat, linkTarget, false, false);
        }

        /** An entry whose link target (null: none) is given as the guest stores it. */
        static Entry of(String name, FileStat stat, byte[] target, boolean escaped) {
            LinkTarget link = LinkTarget.of(target);
            return new Entry(name, stat, link == null ? null : link.text(), escaped, link != null && link.escaped());
        }
    }

    /** The file in a session's runtime directory naming the pid of the process that serves it. */
    private static final String OWNER = "owner";

    private final PointServer server;
    private static final int ENOENT = 2;
    private static final int ENOTDIR = 20;

    private final Guestfs guestfs;
    private final Path runtime;

    private PointFiles(PointServer server, Guestfs guestfs, Path runtime) {
        this.server = server;
        this.guestfs = guestfs;
        this.runtime = runtime;
    }

    /** Serves {@code disk} of {@code point} in a new directory under {@code runtimeRoot} and boots the appliance. */
    public static PointFiles open(Vault vault, String point, String disk, Path runtimeRoot, Guestfs.Options options) {
        Path runtime = null;
        PointServer server = null;
        try {
            runtime = Files.createTempDirectory(Files.createDirectories(runtimeRoot), "files-");
            Files.writeString(runtime.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
            server = PointServer.start(vault, new PointServer.Request(point, List.of(disk), runtime.resolve("nbd.sock"),
                    null, PointServer.DEFAULT_CACHE_BYTES));
            return new PointFiles(server, Guestfs.launch(server.export(disk), options), runtime);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            deleteQuietly(runtime);
            throw Errors.classify(e);
        }
    }

    /** How long the appliance took to boot. */
    public Duration launchTime() {
        return guestfs.launchTime();
    }

    public List<String> partitions() {
        return call(guestfs::partitions);
    }

    public List<Filesystem> filesystems() {
        return call(guestfs::filesystems);
    }

    /** Mounts one of {@link #filesystems()} read-only; later paths are inside it. */
    public void mount(String device) {
        List<Filesystem> found = filesystems();
        if (found.stream().noneMatch(f -> f.device().equals(device) && f.mountable())) {
            throw new CofferException(ErrorCode.InvalidArgument, "no mountable file system '" + device + "' on this disk; found: "
                    + found);
        }
        call(() -> {
            guestfs.mountReadOnly(device);
            return null;
        });
    }

    /** The entries of directory {@code path}, sorted by name, with metadata and link targets. */
    public List<Entry> list(String path) {
        return list(GuestPath.parse(path));
    }

    /** The entries of directory {@code dir}, sorted by name, with metadata and link targets. */
    public List<Entry> list(GuestPath dir) {
        return onPath(() -> entries(dir, names(dir).stream().sorted(java.util.Comparator.comparing(Name::text)).toList()));
    }

    /** One page of a directory: its entries in name order, and whether more follow. */
    public record Listing(List<Entry> entries, boolean more) {
        public Listing {
            entries = List.copyOf(entries);
        }
    }

    /**
     * One page of directory {@code path} (docs/api.md, "Lists"): the entries whose names sort after {@code after} (null:
     * from the first), at most {@code limit}; the metadata and link targets are read for those only.
     */
    public Listing list(String path, String after, int limit) {
        return list(GuestPath.parse(path), after, limit);
    }

    /** {@link #list(String, String, int)} of a path given as {@link GuestPath} (its bytes need not be UTF-8). */
    public Listing list(GuestPath dir, String after, int limit) {
        return onPath(() -> {
            Map<String, Name> byText = new java.util.HashMap<>();
            names(dir).forEach(n -> byText.put(n.text(), n));
            List<String> names = namesAfter(List.copyOf(byText.keySet()), after, limit + 1);
            boolean more = names.size() > limit;
            List<String> page = more ? names.subList(0, limit) : names;
            return new Listing(entries(dir, page.stream().map(byText::get).toList()), more);
        });
    }

    /**
     * A name in a guest's directory: as shown ({@link GuestNames#text}: itself when UTF-8, else escaped) and as stored,
     * the bytes every call about it uses (a name that is not UTF-8 is still read, session 18: docs/reliability.md).
     */
    private record Name(String text, byte[] bytes) {
    }

    /** The plain names of directory {@code dir}, listed through a file in the session's runtime directory. */
    private List<Name> names(GuestPath dir) throws IOException {
        Path scratch = Files.createTempFile(runtime, "ls-", ".list");
        List<Name> names = new java.util.ArrayList<>();
        for (byte[] bytes : guestfs.names(dir.bytes(), scratch)) {
            String text = GuestNames.text(bytes);
            if (GuestPath.plain(text)) {
                names.add(new Name(text, bytes));
            }
        }
        return names;
    }

    /** The entries of {@code names} in directory {@code dir}, in that order, with metadata and link targets. */
    private List<Entry> entries(GuestPath dir, List<Name> names) throws IOException {
        List<FileStat> stats = guestfs.statsOf(dir.bytes(), names.stream().map(Name::bytes).toList());
        List<Entry> entries = new java.util.ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            FileStat stat = stats.get(i);
            byte[] link = null;
            if (stat.type() == FileStat.Type.SYMLINK) {
                link = guestfs.readlinkBytes(dir.child(names.get(i).bytes()).bytes());
            }
            entries.add(Entry.of(names.get(i).text(), stat, link, GuestNames.utf8(names.get(i).bytes()) == null));
        }
        return entries;
    }

    /** The names sorting after {@code after} (null: all), in name order ({@link String#compareTo}), at most {@code count}. */
    static List<String> namesAfter(List<String> names, String after, int count) {
        return names.stream().filter(n -> after == null || n.compareTo(after) > 0).sorted().limit(count).toList();
    }

    /** The metadata of {@code path} (a link is described, not followed). */
    public Entry stat(String path) {
        return stat(GuestPath.parse(path));
    }

    /**
     * The metadata of {@code path}, whose bytes are handed to libguestfs as they are (a name that is not UTF-8 is
     * stat'ed too); the entry's name is the last component, escaped when not UTF-8.
     */
    public Entry stat(GuestPath path) {
        return onPath(() -> {
            FileStat stat = guestfs.stat(path.bytes());
            byte[] link = stat.type() == FileStat.Type.SYMLINK ? guestfs.readlinkBytes(path.bytes()) : null;
            if (path.isRoot()) {
                return Entry.of("/", stat, link, false);
            }
            byte[] name = path.name();
            return Entry.of(GuestNames.text(name), stat, link, GuestNames.utf8(name) == null);
        });
    }

    /** Streams {@code paths} into {@code out} as tar + zstd (see {@link FileArchive}). */
    public FileArchive.Summary archive(List<String> paths, OutputStream out) {
        return archivePaths(paths.stream().map(GuestPath::parse).toList(), out);
    }

    /** {@link #archive} of paths given as {@link GuestPath} (their bytes need not be UTF-8). */
    public FileArchive.Summary archivePaths(List<GuestPath> paths, OutputStream out) {
        return archivePaths(paths, FileArchive.DEFAULT_SPARSE_LIMIT, out);
    }

    /** {@link #archivePaths(List, OutputStream)} reading at most {@code sparseLimit} bytes of holes ({@link FileArchive}). */
    public FileArchive.Summary archivePaths(List<GuestPath> paths, long sparseLimit, OutputStream out) {
        if (paths.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "choose at least one path to export");
        }
        return onPath(() -> FileArchive.write(guestfs, paths, runtime, sparseLimit, out));
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /**
     * {@link #call}, for work on guest paths: a path the file system does not have (libguestfs answers {@code ENOENT},
     * or {@code ENOTDIR} for a file named as a directory) is {@link ErrorCode#GuestPathNotFound}, not a tool failure.
     */
    private static <T> T onPath(Call<T> call) {
        try {
            return call.run();
        } catch (GuestfsException e) {
            if (e.errno() == ENOENT || e.errno() == ENOTDIR) {
                throw new CofferException(ErrorCode.GuestPathNotFound, "no such file or directory in the point's file system: "
                        + e.getMessage(), e);
            }
            throw Errors.classify(e);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    @Override
    public void close() {
        try {
            guestfs.close();
        } finally {
            server.close();
            deleteQuietly(runtime);
        }
    }

    /**
     * Removes the runtime directories under {@code runtimeRoot} (as given to {@link #open}) whose owner process is gone:
     * what a {@code kill -9} of a serving process leaves (its socket; the appliance itself is stopped by libguestfs's
     * recovery process when its parent dies). A directory without an owner file is left alone. One line per removal.
     */
    public static List<String> removeAbandoned(Path runtimeRoot) {
        List<String> removed = new java.util.ArrayList<>();
        if (!Files.isDirectory(runtimeRoot)) {
            return removed;
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(runtimeRoot)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("files-")).toList()) {
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(dir.resolve(OWNER)).trim());
                } catch (IOException | NumberFormatException noOwner) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                deleteQuietly(dir);
                removed.add("browsing session " + dir + " of process " + pid + " (gone): its socket removed");
            }
        } catch (IOException e) {
            removed.add("the browsing sessions' directory " + runtimeRoot + " could not be read: " + e.getMessage());
        }
        return removed;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            coffer.vault.fs.FileTree.delete(dir);
        } catch (IOException ignored) {
            // a leftover empty runtime directory; the next server start removes stale ones
        }
    }
}
