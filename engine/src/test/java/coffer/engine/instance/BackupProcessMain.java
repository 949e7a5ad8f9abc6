package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** A separate JVM running one instance backup, slowly, so a test can kill it with SIGKILL mid-way. */
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
                                Thread.sleep(50); // slow enough to be killed while the backup job runs
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
        }
    }
}
