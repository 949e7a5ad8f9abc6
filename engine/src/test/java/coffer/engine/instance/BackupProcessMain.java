package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A separate JVM running one instance backup that stops at its first progress report (while libvirt's backup job runs)
 * until it is killed, so a test can kill it with SIGKILL mid-way however fast the machine reads the disk.
 */
public final class BackupProcessMain {
    private BackupProcessMain() {
    }

    /** Arguments: domain, vault directory, key ring, runtime root. */
    public static void main(String[] args) throws Exception {
        try (Libvirt libvirt = Libvirt.connect("qemu:///system");
             Vault vault = Vault.open(new LocalDirectoryBackend(Path.of(args[1])), new LocalKeyRing(Path.of(args[2])))) {
            new InstanceBackup(libvirt, vault, Path.of(args[3])).run(new InstanceBackup.Request(args[0], Set.of(), 1, PointFacts.NONE),
                    new JobProgress() {
                        @Override
                        public void starting(long totalBytes) {
                        }

                        @Override
                        public void advance(long bytes) {
                            try {
                                Thread.sleep(Duration.ofMinutes(10)); // held while the backup job runs, until killed
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
        }
    }
}
