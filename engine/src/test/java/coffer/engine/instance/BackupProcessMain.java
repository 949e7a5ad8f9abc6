package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.testing.Await;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.nio.file.Files;
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

    /**
     * Starts this main on {@code domain} with the vault ({@code vault/}), key ring ({@code keyring.json}) and runtime
     * directory of {@code fixture}, beneath directory {@code dir}; its output goes to {@code dir/killed.log}.
     */
    public static Held start(Path dir, InstanceFixture fixture, String domain) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("killed.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, BackupProcessMain.class.getName(), domain,
                dir.resolve("vault").toString(), dir.resolve("keyring.json").toString(), fixture.runtime().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Held(process, log);
    }

    /** A started backup process; {@link #close} kills it (SIGKILL) and waits for its end. */
    public record Held(Process process, Path log) implements AutoCloseable {
        /** Waits until {@code condition} holds while the process lives; its ending first fails with its output. */
        public void awaitWhileAlive(Await.Condition condition, Duration limit, String what) throws InterruptedException {
            Await.until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the backup process ended early: " + Files.readString(log));
                }
                return condition.holds();
            }, limit, what);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }
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
