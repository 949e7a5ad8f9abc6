package coffer.virt.image;

import coffer.vault.io.BlockSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Path checks, raw images and what image headers claim: no external tools needed. */
class DiskImagesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingImageIsNoSuchFileNamingThePath() {
        Path missing = dir.resolve("missing.qcow2");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> DiskImages.openSource(missing, "raw", false));
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void aDirectoryIsRefusedNamingThePath() {
        FileSystemException e = assertThrows(FileSystemException.class, () -> DiskImages.openSource(dir, "raw", false));
        assertEquals(dir.toString(), e.getFile());
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void aRawImageOfKnownFormatIsReadDirectly() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.img"), Images.MiB, List.of(), 1);
        try (BlockSource source = DiskImages.openSource(file, "raw", false)) {
            assertInstanceOf(RawFileSource.class, source);
            assertEquals(Images.MiB, source.size());
        }
    }

    @Test
    void qemuImgInfoIsParsedWithBitmaps() throws Exception {
        String json = """
                {"virtual-size": 67108864, "filename": "/x.qcow2", "cluster-size": 65536, "format": "qcow2",
                 "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "bitmaps": [
                   {"flags": ["auto"], "name": "b0", "granularity": 65536},
                   {"flags": [], "name": "b1", "granularity": 65536}]}}}
                """;
        assertEquals(new ImageInfo("qcow2", 64L << 20, -1, Optional.empty(), List.of("b0", "b1"), List.of()),
                QemuImg.parseInfo(json, Path.of("/x.qcow2")));
        assertEquals(new ImageInfo("raw", 512, -1, Optional.empty(), List.of(), List.of()),
                QemuImg.parseInfo("{\"virtual-size\": 512, \"format\": \"raw\"}", Path.of("/y")));
    }

    // ---- what a header claims, read by Coffer (hand-made headers: no QEMU tool needed) ----

    @Test
    void aFileWithoutAKnownMagicIsRaw() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.img"), Images.MiB, List.of(new coffer.vault.io.Extent(0, 4096)), 2);
        assertEquals("raw", DiskImages.chooseFormat(file, null));
        assertEquals(new ImageHeader("raw", Optional.empty()), ImageHeader.read(dir.resolve("disk.img")));
    }

    @Test
    void aQcow2HeaderNamingABackingFileIsReadWithoutOpeningIt() throws Exception {
        Path file = header(qcow2Header(3, "/etc/host-secret", 0));
        assertEquals(new ImageHeader("qcow2", Optional.of("backing file /etc/host-secret")), ImageHeader.read(file));
        assertEquals("qcow2", DiskImages.chooseFormat(file, null));
        ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                () -> DiskImages.openSource(file, "qcow2", false));
        assertEquals(ImageRefusedException.Reason.NAMES_ANOTHER_FILE, refused.reason());
        assertTrue(refused.getMessage().contains("names backing file /etc/host-secret"), refused.getMessage());
    }

    @Test
    void aQcow2HeaderWithAnExternalDataFileIsRefusedToo() throws Exception {
        Path file = header(qcow2Header(3, null, 1L << 2));
        assertEquals(new ImageHeader("qcow2", Optional.of("an external data file")), ImageHeader.read(file));
        assertThrows(ImageRefusedException.class, () -> DiskImages.openSource(file, "qcow2", false));
        assertEquals(new ImageHeader("qcow", Optional.empty()), ImageHeader.read(header(qcow2Header(1, null, 0))));
    }

    @Test
    void aQedHeaderNamingABackingFileIsRefused() throws Exception {
        ByteBuffer qed = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        qed.putInt(0, 0x00444551).putLong(16, 1L).putInt(56, 512).putInt(60, 4);
        qed.put(512, "/etc".getBytes(StandardCharsets.US_ASCII));
        Path file = header(qed.array());
        assertEquals(new ImageHeader("qed", Optional.of("backing file /etc")), ImageHeader.read(file));
        assertThrows(ImageRefusedException.class, () -> DiskImages.openSource(file, "qed", false));
    }

    @Test
    void aVmdkHeaderMustBeNamedNotGuessed() throws Exception {
        Path file = header("KDMV\u0001\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1));
        ImageRefusedException refused = assertThrows(ImageRefusedException.class, () -> DiskImages.chooseFormat(file, null));
        assertEquals(ImageRefusedException.Reason.FORMAT_NOT_GUESSED, refused.reason());
        assertEquals("vmdk", DiskImages.chooseFormat(file, "vmdk"));
        assertEquals("raw", DiskImages.chooseFormat(file, "raw"));
    }

    @Test
    void onlyTheFormatsCofferReadsAreAccepted() throws Exception {
        Path file = header(new byte[512]);
        for (String format : List.of("nbd", "file", "luks", "json", "host_device", "")) {
            ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                    () -> DiskImages.chooseFormat(file, format), format);
            assertEquals(ImageRefusedException.Reason.UNKNOWN_FORMAT, refused.reason());
        }
    }

    /** A qcow2 (or qcow, version 1) header: magic, version, backing file offset and length, incompatible features. */
    private static byte[] qcow2Header(int version, String backing, long incompatible) {
        ByteBuffer header = ByteBuffer.allocate(65536).order(ByteOrder.BIG_ENDIAN);
        header.putInt(0, 0x514649fb).putInt(4, version);
        if (backing != null) {
            byte[] name = backing.getBytes(StandardCharsets.UTF_8);
            header.putLong(8, 4096).putInt(16, name.length).put(4096, name);
        }
        header.putLong(72, incompatible).putInt(100, 104);
        return header.array();
    }

    private Path header(byte[] bytes) throws Exception {
        Path file = dir.resolve("image-" + System.nanoTime());
        java.nio.file.Files.write(file, bytes);
        return file;
    }
}
