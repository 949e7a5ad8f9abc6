package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.io.BlockSink;
import coffer.vault.read.DiskRestorer;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes one disk of a point to a file that appears only complete: the data goes to
 * {@code <file>.coffer-restore} and is renamed over {@code file} once committed. A failed or cancelled
 * restore removes the temporary and leaves whatever was at {@code file} untouched.
 *
 * <p>Stateless; thread-safe.
 */
public final class DiskFileRestore {
    private DiskFileRestore() {
    }

    /** One disk of a point and the file to write it to, in a format. */
    public record Target(PointManifest.Disk disk, Path file, ImageFormat format) {
    }

    /**
     * Writes several disks of one point at once, each as {@link #write} does, on a thread per disk (each with
     * {@code threads} chunk workers): reading, decrypting and writing overlap across disks, and the storage
     * stays busy until the last disk ends instead of idling through each disk's tail. The first failure
     * stops the others (their temporaries removed) and is thrown; disks already renamed into place stay.
     */
    public static void writeAll(Vault vault, int threads, PointManifest point, List<Target> targets,
                                JobProgress progress) throws IOException {
        ChunkWorkers.run(targets.size(), targets.size(), 0, (i, unused) -> {
            Target target = targets.get(i);
            write(vault, threads, point, target.disk(), target.file(), target.format(), progress);
        });
    }

    public static void write(Vault vault, int threads, PointManifest point, PointManifest.Disk disk, Path file,
                             ImageFormat format, JobProgress progress) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".coffer-restore");
        Files.deleteIfExists(temp);
        BlockSink sink = DiskImages.createSink(temp, format, disk.size(), false);
        boolean done = false;
        try (sink) {
            new DiskRestorer(vault, threads).restore(point, disk, sink, false, progress);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
