package coffer.vault.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A directory tree that others may change while it is walked: entries removed meanwhile (a released lock, a
 * point deleted by another process, the scratch files libvirt deletes as it tears down an aborted job) are
 * skipped instead of ending the walk; any other I/O error is thrown. Stateless.
 */
public final class FileTree {
    private FileTree() {
    }

    /** Receives one path of a walk. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Path path) throws IOException;
    }

    /** Visits every regular file under {@code start}; nothing when {@code start} is not a directory. */
    public static void walkFiles(Path start, Visitor files) throws IOException {
        walk(start, files, null);
    }

    /** Deletes {@code dir} and everything under it; entries already gone (or no {@code dir}) are fine. */
    public static void delete(Path dir) throws IOException {
        walk(dir, Files::deleteIfExists, Files::deleteIfExists);
        Files.deleteIfExists(dir); // when dir is a file or a symbolic link
    }

    /**
     * Without {@code directories}: the regular files. With it: every entry that is not a directory (files,
     * sockets, links) to {@code entries}, and each directory after its contents to {@code directories}.
     */
    private static void walk(Path start, Visitor entries, Visitor directories) throws IOException {
        if (!Files.isDirectory(start)) {
            return;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (directories != null || attributes.isRegularFile()) {
                    entries.visit(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                if (directories != null) {
                    directories.visit(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
