package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.io.BlockSink;
import coffer.vault.read.DiskRestorer;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageFormat;
import coffer.virt.process.DeathGuard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes one disk of a point to a file that appears only complete: the data goes to
 * {@code <file>.coffer-restore} and is renamed over {@code file} once committed. A failed or cancelled
 * restore removes the temporary and leaves whatever was at {@code file} untouched; a {@link DeathGuard} removes it
 * when the process is killed (kill -9, the OOM killer) before the rename. A block device is written in
 * place instead, its holes zeroed.
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
        if (Files.exists(file) && DiskImages.isBlockDevice(file)) {
            writeDevice(vault, threads, point, disk, file, format, progress);
            return;
        }
        Path temp = file.resolveSibling(file.getFileName() + ".coffer-restore");
        Files.deleteIfExists(temp);
        // removes the temporary (as large as the disk) should this process be killed before it is renamed
        // (docs/reliability.md, session 19); a failed or cancelled restore removes it below
        try (DeathGuard guard = DeathGuard.removeFile(temp)) {
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

    /**
     * Over a block device (an LVM logical volume, a loop device): written in place, holes zeroed (the device's
     * old data must not show through); a device cannot be renamed into, so a failed restore leaves it partly
     * written, as any in-place restore of a disk does. Raw only.
     */
    private static void writeDevice(Vault vault, int threads, PointManifest point, PointManifest.Disk disk, Path device,
                                    ImageFormat format, JobProgress progress) throws IOException {
        if (format != ImageFormat.RAW) {
            throw new CofferException(ErrorCode.InvalidArgument, device + " is a block device: it is restored raw, not as "
                    + format.qemuName());
        }
        try (BlockSink sink = DiskImages.openDeviceSink(device, disk.size())) {
            new DiskRestorer(vault, threads).restore(point, disk, sink, true, progress);
            sink.commit();
        }
    }
}
