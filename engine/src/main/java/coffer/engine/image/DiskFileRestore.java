package coffer.engine.image;

import coffer.engine.JobProgress;
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
