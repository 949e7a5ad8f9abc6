package coffer.vault.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner can use: mode 0600 for files, 0700 for directories. Everything Coffer
 * creates that holds secrets or guest data (the server's data directory, the catalog, vault objects, key
 * rings, restored disks, runtime directories with NBD sockets and scratch images) is created this way, so the
 * process umask never decides who can read it. Stateless.
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /** The attribute that creates a file with mode 0600. */
    public static FileAttribute<Set<PosixFilePermission>> file() {
        return PosixFilePermissions.asFileAttribute(FILE_MODE);
    }

    /** The attribute that creates a directory with mode 0700. */
    public static FileAttribute<Set<PosixFilePermission>> directory() {
        return PosixFilePermissions.asFileAttribute(DIRECTORY_MODE);
    }

    /** Creates {@code dir} and its missing parents with mode 0700 (existing ones are left as they are). */
    public static Path createDirectories(Path dir) throws IOException {
        return Files.createDirectories(dir, directory());
    }

    /**
     * Takes group and other permissions away from {@code path} (a file or directory, not followed if it is a
     * symbolic link); the owner's bits stay. Nothing when it does not exist.
     */
    public static void tighten(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.removeIf(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    /** Whether only the owner has any permission on {@code path}. */
    public static boolean is(Path path) throws IOException {
        return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).stream()
                .noneMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
    }
}
