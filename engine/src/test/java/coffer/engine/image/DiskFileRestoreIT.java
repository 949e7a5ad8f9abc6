package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import coffer.virt.image.ImageFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several disks of one point written to files at once (qcow2 checked with qemu-img). */
class DiskFileRestoreIT {
    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;
    TestVault vault;
    byte[] first;
    byte[] second;
    PointManifest point;

    @BeforeEach
    void setUp() throws Exception {
        Environment.requireCommand("qemu-img");
        vault = VaultFlavour.LOCAL_ENCRYPTED.create(dir);
        first = new byte[12 * MiB];
        System.arraycopy(TestData.random(1, 3 * MiB), 0, first, MiB, 3 * MiB);
        System.arraycopy(TestData.text(2, 2 * MiB), 0, first, 8 * MiB, 2 * MiB);
        second = TestData.random(3, 5 * MiB);
        try (PointWriter writer = PointWriter.begin(vault.vault(), "two", vault.nextCreationTime(), TestVault.THREADS)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(first), "qcow2", null, Progress.NONE);
            writer.writeDisk("vdb", ByteArrayBlockSource.of(second), "raw", null, Progress.NONE);
            point = writer.commit("CRASH", null, List.of(), null);
        }
    }

    @Test
    void disksOfOnePointAreWrittenAtOnceEachWhole() throws Exception {
        Path qcow2 = dir.resolve("vda.qcow2");
        Path raw = dir.resolve("vdb.raw");
        AtomicLong progressed = new AtomicLong();
        DiskFileRestore.writeAll(vault.vault(), 2, point, List.of(
                new DiskFileRestore.Target(point.disk("vda"), qcow2, ImageFormat.QCOW2),
                new DiskFileRestore.Target(point.disk("vdb"), raw, ImageFormat.RAW)), counting(progressed));
        assertArrayEquals(second, Files.readAllBytes(raw));
        Path expected = dir.resolve("vda.expected");
        Files.write(expected, first);
        assertEquals(0, new ProcessBuilder("qemu-img", "compare", "-q", "-f", "raw", "-F", "qcow2", expected.toString(),
                qcow2.toString()).inheritIO().start().waitFor(), "the qcow2 reads as the disk backed up");
        assertEquals(first.length + second.length, progressed.get(), "every byte of both disks reported once");
        assertEquals(List.of("vault", "vda.expected", "vda.qcow2", "vdb.raw", "keyring.json").stream().sorted().toList(),
                list(dir), "no temporaries left");
    }

    @Test
    void aDamagedDiskFailsTheRestoreAndLeavesNoTemporaries() throws Exception {
        Vault v = vault.vault();
        FixedIndex index = v.readIndex(point, point.disk("vdb"));
        ChunkId damaged = index.get(1);
        ByteBuffer stored = v.backend().get(damaged.objectName());
        byte[] bytes = new byte[stored.remaining()];
        stored.get(bytes);
        v.backend().put(damaged.objectName(), ByteBuffer.wrap(TestData.flipBit(bytes, 8L * bytes.length - 9)));
        Path out = Files.createDirectories(dir.resolve("out"));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> DiskFileRestore.writeAll(v, 2, point,
                List.of(new DiskFileRestore.Target(point.disk("vda"), out.resolve("vda.qcow2"), ImageFormat.QCOW2),
                        new DiskFileRestore.Target(point.disk("vdb"), out.resolve("vdb.raw"), ImageFormat.RAW)),
                counting(new AtomicLong())));
        assertTrue(e.getMessage().contains("disk vdb"), e.getMessage());
        assertFalse(Files.exists(out.resolve("vdb.raw")));
        assertTrue(list(out).stream().noneMatch(name -> name.endsWith(".coffer-restore")), "temporaries: " + list(out));
    }

    private static List<String> list(Path directory) throws Exception {
        try (var entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static JobProgress counting(AtomicLong bytes) {
        return new JobProgress() {
            @Override
            public void starting(long totalBytes) {
            }

            @Override
            public void advance(long n) {
                bytes.addAndGet(n);
            }
        };
    }
}
