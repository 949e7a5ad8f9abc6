package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.image.ImageFormat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A separate JVM restoring one disk of a point to a file ({@link DiskFileRestore}, one chunk worker) that prints
 * {@code writing} at its first progress report and holds there until it is killed, so a test can kill it with SIGKILL
 * while its temporary is written, however fast the machine is.
 */
public final class RestoreProcessMain {
    private RestoreProcessMain() {
    }

    /** Arguments: vault directory, key ring, point id, disk, target file, format (RAW or QCOW2). */
    public static void main(String[] args) throws Exception {
        AtomicBoolean reported = new AtomicBoolean();
        try (Vault vault = Vault.open(new LocalDirectoryBackend(Path.of(args[0])), new LocalKeyRing(Path.of(args[1])))) {
            PointManifest point = vault.resolve(args[2]);
            DiskFileRestore.write(vault, 1, point, point.disk(args[3]), Path.of(args[4]), ImageFormat.valueOf(args[5]),
                    new JobProgress() {
                        @Override
                        public void starting(long totalBytes) {
                        }

                        @Override
                        public void advance(long bytes) {
                            if (reported.compareAndSet(false, true)) {
                                System.out.println("writing");
                                System.out.flush();
                            }
                            try {
                                Thread.sleep(Duration.ofMinutes(10)); // held while the temporary is written, until killed
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
        }
        System.out.println("restored");
    }
}
