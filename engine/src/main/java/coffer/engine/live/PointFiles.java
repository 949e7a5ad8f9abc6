package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.Vault;
import coffer.virt.guestfs.FileStat;
import coffer.virt.guestfs.Filesystem;
import coffer.virt.guestfs.Guestfs;

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
    /** One name in a directory listing, with its metadata and, for a link, its target. */
    public record Entry(String name, FileStat stat, String linkTarget) {
    }

    /** The file in a session's runtime directory naming the pid of the process that serves it. */
    private static final String OWNER = "owner";

    private final PointServer server;
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
        GuestPath dir = GuestPath.parse(path);
        return call(() -> {
            List<String> names = guestfs.list(dir.absolute()).stream().filter(GuestPath::plain).toList();
            Map<String, FileStat> stats = guestfs.stats(dir.absolute(), names);
            return names.stream().map(name -> entry(dir.child(name), name, stats.get(name))).toList();
        });
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
        GuestPath dir = GuestPath.parse(path);
        return call(() -> {
            List<String> names = namesAfter(guestfs.list(dir.absolute()).stream().filter(GuestPath::plain).toList(), after,
                    limit + 1);
            boolean more = names.size() > limit;
            List<String> page = more ? names.subList(0, limit) : names;
            Map<String, FileStat> stats = guestfs.stats(dir.absolute(), page);
            return new Listing(page.stream().map(name -> entry(dir.child(name), name, stats.get(name))).toList(), more);
        });
    }

    /** The names sorting after {@code after} (null: all), in name order ({@link String#compareTo}), at most {@code count}. */
    static List<String> namesAfter(List<String> names, String after, int count) {
        return names.stream().filter(n -> after == null || n.compareTo(after) > 0).sorted().limit(count).toList();
    }

    /** The metadata of {@code path} (a link is described, not followed). */
    public Entry stat(String path) {
        GuestPath p = GuestPath.parse(path);
        return call(() -> entry(p, p.isRoot() ? "/" : p.components().getLast(), guestfs.stat(p.absolute())));
    }

    /** Streams {@code paths} into {@code out} as tar + zstd (see {@link FileArchive}). */
    public FileArchive.Summary archive(List<String> paths, OutputStream out) {
        List<GuestPath> parsed = paths.stream().map(GuestPath::parse).toList();
        if (parsed.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "choose at least one path to export");
        }
        return call(() -> FileArchive.write(guestfs, parsed, out));
    }

    private Entry entry(GuestPath path, String name, FileStat stat) {
        try {
            return new Entry(name, stat, stat.type() == FileStat.Type.SYMLINK ? guestfs.readlink(path.absolute()) : null);
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    private interface Call<T> {
        T run() throws IOException;
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
