package coffer.virt.image;

import coffer.testing.Environment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A backup's scratch image as Coffer writes it ({@link DiskImages#createScratch}, without {@code qemu-img}): for
 * QEMU the same image {@code qemu-img create -f qcow2} makes (a clean {@code qemu-img check}, the same virtual size,
 * version and cluster and refcount sizes, nothing allocated, reading as the same zeros).
 */
class EmptyQcow2IT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needQemu() {
        Environment.requireCommand("qemu-img");
    }

    @Test
    void scratchImagesAreWhatQemuImgCreates() throws Exception {
        // one sector, a partial last cluster, a disk of a few GiB, and an L1 table of four clusters (16 TiB)
        long[] sizes = {512, 64L * 1024 + 512, 4096L * MiB + 3 * 512, 16L << 40};
        for (long size : sizes) {
            Path ours = dir.resolve("ours-" + size + ".qcow2");
            Path theirs = dir.resolve("theirs-" + size + ".qcow2");
            DiskImages.createScratch(ours, size);
            Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", theirs.toString(), Long.toString(size));

            JsonNode check = JSON.readTree(output("qemu-img", "check", "--output=json", "-f", "qcow2", ours.toString()));
            // qemu-img leaves out the counts that are zero
            assertEquals(0, check.path("corruptions").asInt(0), size + ": " + check);
            assertEquals(0, check.path("leaks").asInt(0), size + ": " + check);
            assertEquals(0, check.path("check-errors").asInt(-1), size + ": " + check);
            assertEquals(0, check.path("allocated-clusters").asInt(0), size + ": " + check);

            JsonNode info = JSON.readTree(output("qemu-img", "info", "--output=json", "-f", "qcow2", ours.toString()));
            JsonNode theirInfo = JSON.readTree(output("qemu-img", "info", "--output=json", "-f", "qcow2", theirs.toString()));
            assertEquals(theirInfo.path("virtual-size"), info.path("virtual-size"), size + ": " + info);
            assertEquals(theirInfo.path("cluster-size"), info.path("cluster-size"), size + ": " + info);
            assertEquals(theirInfo.at("/format-specific/data/compat"), info.at("/format-specific/data/compat"));
            assertEquals(theirInfo.at("/format-specific/data/refcount-bits"), info.at("/format-specific/data/refcount-bits"));
            assertFalse(info.has("backing-filename"), size + ": " + info);

            JsonNode map = JSON.readTree(output("qemu-img", "map", "--output=json", "-f", "qcow2", ours.toString()));
            for (JsonNode range : map) {
                assertFalse(range.path("data").asBoolean(true), size + ": " + map);
            }
            assertEquals(0, Images.run("qemu-img", "compare", "-q", "-f", "qcow2", "-F", "qcow2",
                    ours.toString(), theirs.toString()), size + ": not the same content");
        }
    }

    @Test
    void anExistingFileIsLeftAsItWas() throws Exception {
        Path existing = dir.resolve("existing.qcow2");
        byte[] before = "not to be overwritten".getBytes(StandardCharsets.UTF_8);
        Files.write(existing, before);
        assertThrows(FileAlreadyExistsException.class, () -> Qcow2FileSink.createEmpty(existing, MiB));
        assertThrows(FileAlreadyExistsException.class, () -> DiskImages.createScratch(existing, MiB));
        assertArrayEquals(before, Files.readAllBytes(existing));
    }

    @Test
    void aSizeTheWriterCannotTakeGoesToQemuImg() throws Exception {
        Path odd = dir.resolve("odd.qcow2");
        DiskImages.createScratch(odd, MiB + 1); // qemu-img rounds up to a whole sector, as before
        JsonNode info = JSON.readTree(output("qemu-img", "info", "--output=json", "-f", "qcow2", odd.toString()));
        assertEquals(MiB + 512, info.path("virtual-size").asLong());
    }

    private static String output(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        // qemu-img check exits 0 for a clean image; anything else is reported with its output
        assertEquals(0, status, String.join(" ", command) + ": " + out);
        return out;
    }
}
