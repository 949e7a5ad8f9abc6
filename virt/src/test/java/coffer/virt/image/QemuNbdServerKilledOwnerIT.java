package coffer.virt.image;

import coffer.testing.Await;
import coffer.testing.Environment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process killed with SIGKILL while its {@link QemuNbdServer} serves: the qemu-nbd it started must not outlive it
 * (holding the image's write lock, a domain whose disk it served could not start), and it must be stopped with
 * SIGTERM, so QEMU stores the image's persistent bitmap cleanly (docs/reliability.md, session 19).
 */
class QemuNbdServerKilledOwnerIT {
    private static final Duration LIMIT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @BeforeEach
    void needQemu() {
        Images.requireQemuNbdTools();
        Environment.requireCommand("setsid");
    }

    @Test
    void aKilledOwnersQemuNbdIsStoppedItsDirectoryRemovedAndTheImageFreeWithItsBitmapStored() throws Exception {
        Path image = dir.resolve("disk.qcow2");
        Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M");
        Images.mustRun("qemu-img", "bitmap", "--add", image.toString(), "b0");
        Path runtime = Images.runtimeParent(dir);

        QemuNbdServerProcessMain.Serving serving = QemuNbdServerProcessMain.start(image, runtime, "b0");
        long qemuNbd = serving.qemuNbd();
        assertTrue(running(qemuNbd));
        assertTrue(Files.isDirectory(serving.directory()));
        // while it serves, the image is locked: a writer is refused
        assertTrue(Images.run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 64k", image.toString()) != 0,
                "the served image is locked");

        serving.process().destroyForcibly().waitFor();

        Await.until(() -> !running(qemuNbd), LIMIT, "the killed process's qemu-nbd (pid " + qemuNbd + ") ended");
        Await.until(() -> !Files.exists(serving.directory()), LIMIT, "its directory " + serving.directory() + " removed");
        assertTrue(Images.isEmptyDirectory(runtime));
        // its bitmap was stored (SIGTERM; after a SIGKILL it would be flagged in-use) and the image is free again
        assertEquals(List.of("b0"), DiskImages.inspect(image, "qcow2").bitmaps());
        String json = output("qemu-img", "info", "-U", "--output=json", image.toString());
        assertFalse(json.contains("in-use"), json);
        assertTrue(json.contains("\"auto\""), json);
        Images.mustRun("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 64k", image.toString());
    }

    /** Whether {@code pid} runs: an exited process nobody reaped yet (a zombie: the orphan's new parent may not reap) does not. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    private static String output(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), text);
        return text;
    }
}
