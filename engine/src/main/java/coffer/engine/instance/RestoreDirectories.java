package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Where a restore may create files (docs/server.md, "Restore directories"). A server's restores run as the
 * server's user (root on most hosts) on an operator's request: they write only beneath one of the configured
 * restore directories (by default {@code <dataDir>/restores}) or directly in a directory holding one of the
 * instance's own disks (where a new instance's disks go by default). Paths are compared after resolving
 * symbolic links and {@code ..}, so neither leads outside; a file that is itself a symbolic link (a restore over a
 * block device writes through it) must lead to an allowed place too. The command line working offline writes with its
 * user's own permissions and is not restricted ({@link #anywhere()}).
 *
 * <p>Immutable; thread-safe.
 */
public final class RestoreDirectories {
    private static final RestoreDirectories ANYWHERE = new RestoreDirectories(null);

    private final List<Path> roots;

    private RestoreDirectories(List<Path> roots) {
        this.roots = roots;
    }

    /** No restriction: for restores a user runs with their own permissions (the offline command line). */
    public static RestoreDirectories anywhere() {
        return ANYWHERE;
    }

    /** Beneath {@code roots} (absolute paths) and beside the instance's own disks. */
    public static RestoreDirectories under(List<Path> roots) {
        for (Path root : roots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("a restore directory must be an absolute path, not " + root);
            }
        }
        return new RestoreDirectories(List.copyOf(roots));
    }

    /** Whether anything is refused ({@link #under}), as opposed to {@link #anywhere()}. */
    public boolean restricted() {
        return roots != null;
    }

    /** The configured directories; empty when unrestricted. */
    public List<Path> roots() {
        return roots == null ? List.of() : roots;
    }

    /**
     * Refuses, with {@link ErrorCode#RestoreTargetNotAllowed}, to create {@code file} unless it lies beneath a
     * restore directory or directly in the directory of one of {@code ownDisks} (the instance's disk files).
     * The file's directory must exist.
     */
    public void check(Path file, Collection<Path> ownDisks) {
        if (roots == null) {
            return;
        }
        if (!file.isAbsolute()) {
            throw refused(file, "it is not an absolute path", ownDisks);
        }
        Path directory = file.normalize().getParent();
        Path real;
        try {
            real = directory == null ? null : directory.toRealPath();
        } catch (IOException e) {
            throw refused(file, "its directory " + directory + " does not exist", ownDisks);
        }
        if (real == null || file.normalize().getFileName() == null) {
            throw refused(file, "it names no file", ownDisks);
        }
        if (!allowed(real, ownDisks)) {
            throw refused(file, "it is outside the restore directories", ownDisks);
        }
        Path named = real.resolve(file.normalize().getFileName());
        if (Files.isSymbolicLink(named)) {
            // a restore over a block device writes through the link: where it leads must be allowed too
            Path target;
            try {
                target = named.toRealPath();
            } catch (IOException e) {
                throw refused(file, "it is a symbolic link to nothing that exists", ownDisks);
            }
            if (target.getParent() == null || !allowed(target.getParent(), ownDisks)) {
                throw refused(file, "it is a symbolic link to " + target + ", which is outside the restore directories",
                        ownDisks);
            }
        }
    }

    /** Whether files may be created directly in {@code realDirectory} (a real path). */
    private boolean allowed(Path realDirectory, Collection<Path> ownDisks) {
        for (Path root : roots) {
            Path realRoot = realPath(root);
            if (realRoot != null && realDirectory.startsWith(realRoot)) {
                return true;
            }
        }
        for (Path disk : ownDisks) {
            Path diskDirectory = disk.toAbsolutePath().getParent();
            if (diskDirectory != null && realDirectory.equals(realPath(diskDirectory))) {
                return true;
            }
        }
        return false;
    }

    private CofferException refused(Path file, String why, Collection<Path> ownDisks) {
        List<String> allowed = new ArrayList<>();
        roots.forEach(root -> allowed.add(root + " (and beneath)"));
        ownDisks.stream().map(disk -> disk.toAbsolutePath().getParent()).filter(Objects::nonNull).distinct()
                .forEach(directory -> allowed.add(directory + " (the instance's disks)"));
        return new CofferException(ErrorCode.RestoreTargetNotAllowed, "will not restore to " + file + ": " + why
                + "; a restore may write in " + String.join(", ", allowed));
    }

    private static Path realPath(Path path) {
        try {
            return Files.exists(path) ? path.toRealPath() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return roots == null ? "RestoreDirectories[anywhere]" : "RestoreDirectories" + roots;
    }
}
