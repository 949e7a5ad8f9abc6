package coffer.engine.instance;

import coffer.vault.fs.FileTree;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The scratch space of one backup run: {@code <root>/<first 8 of domain uuid>.<last 8 of point id>/} (short:
 * a Unix socket path must stay under 108 bytes) holding the NBD socket,
 * QEMU's scratch files and an {@code owner} file with the pid of the Coffer process. Removed when the run
 * ends; a run that was killed leaves it behind, and the next run of the same domain finds it by its dead
 * owner and cleans up after it (aborting the libvirt job that still serves it).
 *
 * <p>Not thread-safe; one per run.
 */
final class RuntimeDirectory implements AutoCloseable {
    private static final String OWNER = "owner";
    /** A run directory's name: {@code <first 8 of domain uuid>.<last 8 of point id>}. */
    private static final java.util.regex.Pattern RUN_NAME = java.util.regex.Pattern.compile("[0-9a-fA-F-]{1,8}\\.[0-9a-f]{8}");
    private final Path dir;

    private RuntimeDirectory(Path dir) {
        this.dir = dir;
    }

    /** {@code $COFFER_RUNTIME_DIR}, else {@code /var/lib/coffer/run} (QEMU, running as root here, must reach it). */
    static Path root() {
        return root(System.getenv());
    }

    /** {@link #root()} as the variables {@code env} say. */
    static Path root(java.util.Map<String, String> env) {
        String configured = env.get("COFFER_RUNTIME_DIR");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("/var/lib/coffer/run");
    }

    /**
     * Creates the run's directory with mode 0700 (and the root, when missing): the NBD socket in it serves the
     * guest's disks and the scratch files hold its data. An existing root keeps its mode (it may be a shared
     * directory such as /tmp); the run's own directory is what keeps others out.
     */
    static RuntimeDirectory create(Path root, String domainUuid, String pointId) throws IOException {
        Path dir = OwnerOnly.createDirectories(root.resolve(prefix(domainUuid) + pointId.substring(pointId.length() - 8)));
        OwnerOnly.tighten(dir);
        Path owner = dir.resolve(OWNER);
        Files.deleteIfExists(owner);
        Files.writeString(Files.createFile(owner, OwnerOnly.file()), Long.toString(ProcessHandle.current().pid()));
        return new RuntimeDirectory(dir);
    }

    Path path() {
        return dir;
    }

    Path socket() {
        return dir.resolve("backup.sock");
    }

    Path scratch(String target) {
        return dir.resolve("scratch-" + target + ".qcow2");
    }

    /** Directories of earlier runs for this domain whose owner process is gone. */
    static List<Path> abandoned(Path root, String domainUuid) throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return result;
        }
        try (Stream<Path> runs = Files.list(root)) {
            for (Path run : (Iterable<Path>) runs::iterator) {
                if (run.getFileName().toString().startsWith(prefix(domainUuid)) && !ownerAlive(run)) {
                    result.add(run);
                }
            }
        }
        return result;
    }

    /**
     * The domain uuid prefixes (first 8 characters) of every run directory under {@code root} whose owner process is
     * gone: the domains a killed run may have left a backup job, sockets or scratch files on.
     */
    static java.util.Set<String> abandonedPrefixes(Path root) throws IOException {
        java.util.Set<String> result = new java.util.TreeSet<>();
        if (!Files.isDirectory(root)) {
            return result;
        }
        try (Stream<Path> runs = Files.list(root)) {
            for (Path run : (Iterable<Path>) runs::iterator) {
                String name = run.getFileName().toString();
                if (RUN_NAME.matcher(name).matches() && Files.isDirectory(run) && !ownerAlive(run)) {
                    result.add(name.substring(0, name.indexOf('.')));
                }
            }
        }
        return result;
    }

    private static String prefix(String domainUuid) {
        return domainUuid.substring(0, Math.min(8, domainUuid.length())) + ".";
    }

    private static boolean ownerAlive(Path run) {
        try {
            long pid = Long.parseLong(Files.readString(run.resolve(OWNER)).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Pids in {@code qemu-nbd.pid} files under {@code dir} (offline runs serve disks from there). */
    static List<Long> qemuNbdPids(Path dir) throws IOException {
        List<Long> pids = new ArrayList<>();
        FileTree.walkFiles(dir, p -> {
            if (p.getFileName().toString().equals("qemu-nbd.pid")) {
                try {
                    pids.add(Long.parseLong(Files.readString(p).trim()));
                } catch (NumberFormatException | IOException unreadable) {
                    // a pid file being written or removed: nothing to stop
                }
            }
        });
        return pids;
    }

    @Override
    public void close() throws IOException {
        FileTree.delete(dir);
    }
}
