package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.image.ImageFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Restores one disk of a point to a new file, raw (sparse) or qcow2. The file appears only complete
 * ({@link DiskFileRestore}): a failed or cancelled restore removes what it wrote and leaves a file it was
 * asked to replace ({@code --force}) as it was.
 *
 * <p>Stateless; thread-safe.
 */
public final class ImageRestore {

    public record Request(String point, String disk, Path target, ImageFormat format, boolean overwrite,
                          int threads) {
    }

    public record Result(PointManifest point, PointManifest.Disk disk, Path target) {
    }

    public Result run(Vault vault, Request request, JobProgress listener) {
        coffer.vault.JitWarmup.startInBackground(vault);
        try {
            PointManifest point = vault.resolve(request.point());
            PointManifest.Disk disk = chooseDisk(point, request.disk());
            Path target = request.target();
            if (Files.isDirectory(target)) {
                throw new CofferException(ErrorCode.InvalidArgument, target + " is a directory; give a file name");
            }
            if (Files.exists(target) && !request.overwrite()) {
                throw new CofferException(ErrorCode.TargetExists, target + " already exists");
            }
            if (target.toAbsolutePath().getParent() != null && !Files.isDirectory(target.toAbsolutePath().getParent())) {
                throw new CofferException(ErrorCode.InvalidArgument, "directory " + target.toAbsolutePath().getParent()
                        + " does not exist");
            }
            listener.starting(disk.size());
            int threads = request.threads() > 0 ? request.threads() : coffer.vault.ChunkWorkers.defaultThreads();
            DiskFileRestore.write(vault, threads, point, disk, target, request.format(), listener);
            return new Result(point, disk, target);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    private static PointManifest.Disk chooseDisk(PointManifest point, String name) throws IOException {
        if (name != null) {
            return point.disk(name);
        }
        if (point.disks().size() == 1) {
            return point.disks().getFirst();
        }
        throw new CofferException(ErrorCode.InvalidArgument, "point " + point.id() + " has " + point.disks().size()
                + " disks; choose one with --disk: " + point.disks().stream().map(PointManifest.Disk::name).toList());
    }
}
