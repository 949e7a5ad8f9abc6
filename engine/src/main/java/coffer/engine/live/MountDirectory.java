package coffer.engine.live;

import coffer.vault.fs.FileTree;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where one mount's NBD socket lives: {@code <runtime root>/mounts/<mount id>/nbd.sock}, owner-only, with an
 * {@code owner} file naming the pid of the Coffer process that serves it. An instance's disk whose socket lies in
 * such a directory is a Coffer mount, and the mount's id is the directory's name: after a restart
 * (or a {@code kill -9}) the attachments whose owner is gone are found from the instances' live definitions alone
 * (docs/design/live-access.md, "After a restart").
 *
 * <p>Not thread-safe; one per mount.
 */
public final class MountDirectory implements AutoCloseable {
    private static final String MOUNTS = "mounts";
    private static final String OWNER = "owner";
    private static final String SOCKET = "nbd.sock";

    private final Path dir;

    private MountDirectory(Path dir) {
        this.dir = dir;
    }

    /** Creates the mount's directory (and its parents) owner-only, recording this process as its owner. */
    public static MountDirectory create(Path runtimeRoot, String mountId) throws IOException {
        Path dir = OwnerOnly.createDirectories(runtimeRoot.resolve(MOUNTS).resolve(checkedId(mountId)));
        OwnerOnly.tighten(dir);
        Path owner = dir.resolve(OWNER);
        Files.deleteIfExists(owner);
        Files.writeString(Files.createFile(owner, OwnerOnly.file()), Long.toString(ProcessHandle.current().pid()));
        return new MountDirectory(dir);
    }

    /** The socket path a mount with this id has under {@code runtimeRoot}. */
    public static Path socketOf(Path runtimeRoot, String mountId) {
        return runtimeRoot.resolve(MOUNTS).resolve(checkedId(mountId)).resolve(SOCKET);
    }

    /** The mount id when {@code socket} is a mount's socket under {@code runtimeRoot}, else empty. */
    public static Optional<String> mountIdOf(Path runtimeRoot, String socket) {
        Path path = Path.of(socket).normalize();
        Path mounts = runtimeRoot.toAbsolutePath().normalize().resolve(MOUNTS);
        if (!path.startsWith(mounts) || path.getNameCount() != mounts.getNameCount() + 2
                || !path.getFileName().toString().equals(SOCKET)) {
            return Optional.empty();
        }
        return Optional.of(path.getName(mounts.getNameCount()).toString());
    }

    /** Whether the process that created the mount's directory still runs (false when there is none). */
    public static boolean ownerAlive(Path runtimeRoot, String mountId) {
        try {
            long pid = Long.parseLong(Files.readString(runtimeRoot.resolve(MOUNTS).resolve(checkedId(mountId))
                    .resolve(OWNER)).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Removes a mount's directory (its socket file with it); quiet when it is gone. */
    public static void remove(Path runtimeRoot, String mountId) {
        try {
            FileTree.delete(runtimeRoot.resolve(MOUNTS).resolve(checkedId(mountId)));
        } catch (IOException ignored) {
            // an empty directory left behind; removed with the next restart's clean-up
        }
    }

    public Path socket() {
        return dir.resolve(SOCKET);
    }

    private static String checkedId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("a mount id is 1 to 64 letters, digits or '-', not " + id);
        }
        return id;
    }

    @Override
    public void close() throws IOException {
        FileTree.delete(dir);
    }
}
