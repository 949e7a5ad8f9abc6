package coffer.virt.image;

import coffer.testing.Environment;
import coffer.vault.io.BlockSink;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Disk images through real qemu-img and qemu-nbd. */
class DiskImagesIT {
    /** Cluster-aligned (64 KiB) data ranges, so qcow2 allocation matches them exactly. */
    private static final List<Extent> DATA = List.of(
            new Extent(0, 64 * 1024),
            new Extent(2L * MiB, 3L * MiB),
            new Extent(20L * MiB, 256 * 1024),
            new Extent(48L * MiB - 128 * 1024, 128 * 1024));
    private static final long SIZE = 48L * MiB;

    @TempDir
    Path dir;

    @BeforeEach
    void needQemu() {
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("qemu-nbd");
    }

    private Path raw() throws Exception {
        return Images.sparseRaw(dir.resolve("disk.raw"), SIZE, DATA, 11);
    }

    /** Opens {@code image} in the format {@link DiskImages#chooseFormat} decides, following no backing file. */
    private static BlockSource open(Path image) throws Exception {
        return DiskImages.openSource(image, DiskImages.chooseFormat(image, null), false);
    }

    private Path qcow2(Path raw) throws Exception {
        Path qcow2 = dir.resolve("disk.qcow2");
        Images.mustRun("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        return qcow2;
    }

    @Test
    void aRawFileIsDetectedAndReadDirectly() throws Exception {
        Path raw = raw();
        try (BlockSource source = open(raw)) {
            assertInstanceOf(RawFileSource.class, source);
            assertEquals(TestData.sha256(raw), Images.sha256(source));
            assertEquals(DATA, source.dataExtents(0, SIZE));
        }
    }

    @Test
    void aQcow2ReadsLikeTheRawFileAndReportsItsHoles() throws Exception {
        Path raw = raw();
        Path qcow2 = qcow2(raw);
        ServedSource served;
        try (BlockSource source = open(qcow2)) {
            served = assertInstanceOf(ServedSource.class, source);
            assertEquals(SIZE, source.size());
            assertEquals(TestData.sha256(raw), Images.sha256(source));
            assertEquals(DATA, source.dataExtents(0, SIZE));
            assertEquals(List.of(new Extent(2L * MiB, MiB)), source.dataExtents(MiB, 2L * MiB));
        }
        assertFalse(served.server().alive(), "closing the source stops qemu-nbd");
        assertFalse(Files.exists(served.server().socket()));
        assertEquals(List.of(), Images.qemuNbdChildren());
    }

    @Test
    void readsLargerThanTheMaximumRequestAreSplit() throws Exception {
        Path raw = Images.sparseRaw(dir.resolve("big.raw"), 64L * MiB,
                List.of(new Extent(MiB, 40L * MiB)), 12);
        Path qcow2 = qcow2(raw);
        byte[] expected = Files.readAllBytes(raw);
        try (BlockSource source = DiskImages.openSource(qcow2, "qcow2", false)) {
            ByteBuffer big = ByteBuffer.allocate(40 * MiB + 4096);
            source.read(MiB - 4096, big);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, MiB - 4096, 41 * MiB), big.array());
        }
    }

    @Test
    void parallelReadsOverSeveralConnectionsMatchTheFile() throws Exception {
        Path raw = Images.sparseRaw(dir.resolve("full.raw"), 32L * MiB, List.of(new Extent(0, 32L * MiB)), 13);
        Path qcow2 = qcow2(raw);
        byte[] expected = Files.readAllBytes(raw);
        byte[] actual = new byte[expected.length];
        int piece = 256 * 1024;
        List<Integer> offsets = new ArrayList<>();
        for (int offset = 0; offset < expected.length; offset += piece) {
            offsets.add(offset);
        }
        java.util.Collections.shuffle(offsets, new Random(14));
        try (BlockSource source = open(qcow2);
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> reads = new ArrayList<>();
            for (int offset : offsets) {
                reads.add(executor.submit(() -> {
                    source.read(offset, ByteBuffer.wrap(actual, offset, piece));
                    return null;
                }));
            }
            for (Future<?> read : reads) {
                read.get();
            }
        }
        assertArrayEquals(expected, actual);
    }

    @Test
    void aQcow2SinkWrittenFromTheDataExtentsComparesEqualToTheSource() throws Exception {
        Path raw = raw();
        Path restored = dir.resolve("restored.qcow2");
        try (BlockSource source = DiskImages.openSource(raw, "raw", false);
             BlockSink sink = DiskImages.createSink(restored, ImageFormat.QCOW2, SIZE, false)) {
            assertInstanceOf(Qcow2FileSink.class, sink);
            ByteBuffer buffer = ByteBuffer.allocate(4 * MiB);
            for (Extent extent : source.dataExtents(0, source.size())) {
                for (long at = extent.offset(); at < extent.end(); at += buffer.capacity()) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), extent.end() - at));
                    source.read(at, buffer);
                    sink.write(at, buffer.flip());
                }
            }
            sink.commit();
        }
        assertEquals(0, Images.run("qemu-img", "compare", "-q", "-f", "raw", "-F", "qcow2",
                raw.toString(), restored.toString()));
        assertEquals("qcow2", ImageHeader.read(restored).format());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(restored)), "a restored disk holds guest data: owner-only");
        try (BlockSource check = open(restored)) {
            assertEquals(DATA, check.dataExtents(0, SIZE), "only written clusters are allocated");
        }
    }

    @Test
    void writeZeroesOnAQcow2SinkLeavesZerosAndNoData() throws Exception {
        Path restored = dir.resolve("zeroed.qcow2");
        byte[] data = new byte[2 * MiB];
        new Random(15).nextBytes(data);
        try (BlockSink sink = DiskImages.createSink(restored, ImageFormat.QCOW2, 64L * MiB, false)) {
            sink.write(MiB, ByteBuffer.wrap(data));
            sink.write(20L * MiB, ByteBuffer.wrap(data));
            sink.writeZeroes(MiB + 512 * 1024, MiB);
            sink.writeZeroes(4L * MiB, 60L * MiB); // one request above qemu's 32 MiB payload limit
            sink.commit();
        }
        try (BlockSource check = open(restored)) {
            ByteBuffer all = ByteBuffer.allocate(2 * MiB);
            check.read(MiB, all);
            byte[] expected = data.clone();
            java.util.Arrays.fill(expected, 512 * 1024, 512 * 1024 + MiB, (byte) 0);
            assertArrayEquals(expected, all.array());
            assertEquals(List.of(new Extent(MiB, 512 * 1024), new Extent(MiB + 512 * 1024 + MiB, 512 * 1024)),
                    check.dataExtents(0, check.size()));
        }
    }

    @Test
    void anExistingQcow2IsNotReplacedUnlessOverwriting() throws Exception {
        Path existing = dir.resolve("existing.qcow2");
        Files.writeString(existing, "precious");
        assertThrows(FileAlreadyExistsException.class,
                () -> DiskImages.createSink(existing, ImageFormat.QCOW2, MiB, false));
        assertEquals("precious", Files.readString(existing));
        try (BlockSink sink = DiskImages.createSink(existing, ImageFormat.QCOW2, MiB, true)) {
            sink.commit();
        }
        assertEquals("qcow2", ImageHeader.read(existing).format());
    }

    /** An image whose data lies partly in its backing file: read only when asked, never by qemu-nbd unasked. */
    @Test
    void aBackingFileIsReadOnlyWhenFollowingItIsAsked() throws Exception {
        Path base = Images.sparseRaw(dir.resolve("base.raw"), 4L * MiB, List.of(new Extent(0, 4L * MiB)), 31);
        Path overlay = dir.resolve("overlay.qcow2");
        Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "raw",
                overlay.toString(), "4M");
        Images.mustRun("qemu-io", "-f", "qcow2", "-c", "write -P 0x33 1M 64k", overlay.toString());

        ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                () -> DiskImages.openSource(overlay, "qcow2", false));
        assertEquals(ImageRefusedException.Reason.NAMES_ANOTHER_FILE, refused.reason());
        assertTrue(refused.getMessage().contains("backing file " + base), refused.getMessage());
        assertEquals(List.of(), Images.qemuNbdChildren(), "refused before any qemu-nbd ran");

        byte[] expected = Files.readAllBytes(base);
        java.util.Arrays.fill(expected, MiB, MiB + 65536, (byte) 0x33);
        try (BlockSource followed = DiskImages.openSource(overlay, "qcow2", true)) {
            ByteBuffer all = ByteBuffer.allocate((int) followed.size());
            followed.read(0, all);
            assertArrayEquals(expected, all.array(), "overlay and backing file together");
        }

        // qemu-nbd itself, unless told to follow, opens no backing file: what the base holds reads as zeros
        byte[] topOnly = new byte[4 * MiB];
        java.util.Arrays.fill(topOnly, MiB, MiB + 65536, (byte) 0x33);
        try (QemuNbdServer server = QemuNbdServer.start(overlay, QemuNbdServer.Options.readOnly("qcow2"));
             BlockSource top = coffer.virt.nbd.NbdExportSource.open(server.export(), 1, List.of())) {
            ByteBuffer all = ByteBuffer.allocate((int) top.size());
            top.read(0, all);
            assertArrayEquals(topOnly, all.array(), "the overlay alone");
        }
    }

    @Test
    void aFileWhoseHeaderClaimsQcow2IsReadAsQcow2AndABlockDeviceIsRawRegardless() throws Exception {
        Path raw = raw();
        Path qcow2 = qcow2(raw);
        assertEquals("qcow2", DiskImages.chooseFormat(qcow2, null));
        assertEquals("raw", DiskImages.chooseFormat(raw, null));
        assertEquals("raw", DiskImages.chooseFormat(qcow2, "raw"), "the format asked for wins");
        try (BlockSource asRaw = DiskImages.openSource(qcow2, "raw", false)) {
            assertEquals(Files.size(qcow2), asRaw.size(), "the qcow2 file itself, byte for byte");
            assertEquals(TestData.sha256(qcow2), Images.sha256(asRaw));
        }
    }
}
