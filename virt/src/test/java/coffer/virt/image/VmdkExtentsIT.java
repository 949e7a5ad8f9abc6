package coffer.virt.image;

import coffer.testing.Environment;
import coffer.vault.io.BlockSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file read as VMDK whose descriptor names extent files (any host file) is refused unless following the files an
 * image names is asked for: read unasked, a host file became the image's data in the vault (docs/reliability.md,
 * session 19). Real qemu-img and qemu-nbd.
 */
class VmdkExtentsIT {
    @TempDir
    Path dir;

    @BeforeEach
    void needQemu() {
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("qemu-nbd");
    }

    /** A host file standing for one the image must not read: 1 MiB whose first bytes are a recognisable text. */
    private Path hostFile() throws Exception {
        byte[] bytes = new byte[MiB];
        byte[] text = "host file, not the image's".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, bytes, 0, text.length);
        return Files.write(dir.resolve("host-file.bin"), bytes);
    }

    private static String descriptor(Path extent, boolean headerLine) {
        return (headerLine ? "# Disk DescriptorFile\n" : "") + """
                version=1
                CID=fffffffe
                parentCID=ffffffff
                createType="monolithicFlat"

                RW 2048 FLAT "%s" 0

                ddb.adapterType = "ide"
                """.formatted(extent);
    }

    @Test
    void aDescriptorNamingAnExtentIsRefusedUnlessFollowingIsAsked() throws Exception {
        Path host = hostFile();
        for (boolean headerLine : List.of(true, false)) { // QEMU reads any file without a sparse magic as a descriptor
            Path image = Files.writeString(dir.resolve("descriptor-" + headerLine + ".vmdk"), descriptor(host, headerLine));

            ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                    () -> DiskImages.openSource(image, "vmdk", false), "header line " + headerLine);
            assertEquals(ImageRefusedException.Reason.NAMES_ANOTHER_FILE, refused.reason());
            assertTrue(refused.getMessage().contains("extent file \"" + host + "\""), refused.getMessage());
            assertEquals(List.of(), Images.qemuNbdChildren(), "refused before any qemu-nbd ran");

            try (BlockSource followed = DiskImages.openSource(image, "vmdk", true)) {
                assertArrayEquals(Files.readAllBytes(host), Arrays.copyOf(all(followed), MiB), "asked for, the extent is the image's data");
            }
        }
    }

    /** A sparse header with capacity 0 makes QEMU read its embedded descriptor, extents and all. */
    @Test
    void aSparseHeaderPointingAtAnEmbeddedDescriptorIsRefusedToo() throws Exception {
        Path host = hostFile();
        Path image = dir.resolve("embedded.vmdk");
        Images.mustRun("qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=monolithicSparse", image.toString(), "1M");
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(head, 0);
            long descriptorSector = head.getLong(28);
            long descriptorSectors = head.getLong(36);
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0), 12); // capacity 0
            byte[] text = Arrays.copyOf(descriptor(host, true).getBytes(StandardCharsets.US_ASCII),
                    (int) descriptorSectors * 512);
            channel.write(ByteBuffer.wrap(text), descriptorSector * 512);
        }

        ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                () -> DiskImages.openSource(image, "vmdk", false));
        assertEquals(ImageRefusedException.Reason.NAMES_ANOTHER_FILE, refused.reason());
        assertTrue(refused.getMessage().contains("embedded descriptor's extent file \"" + host + "\""), refused.getMessage());
        try (BlockSource followed = DiskImages.openSource(image, "vmdk", true)) {
            assertArrayEquals(Files.readAllBytes(host), Arrays.copyOf(all(followed), MiB), "QEMU does read that extent when asked");
        }
    }

    /** A VMDK keeping its data in its own file is read as before, without asking to follow anything. */
    @Test
    void aSingleFileSparseVmdkIsRead() throws Exception {
        Path image = dir.resolve("sparse.vmdk");
        Images.mustRun("qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=monolithicSparse", image.toString(), "1M");
        Images.mustRun("qemu-io", "-f", "vmdk", "-c", "write -P 0x5a 64k 64k", image.toString());
        byte[] expected = new byte[MiB];
        Arrays.fill(expected, 65536, 131072, (byte) 0x5a);
        try (BlockSource source = DiskImages.openSource(image, "vmdk", false)) {
            assertArrayEquals(expected, all(source));
        }
    }

    private static byte[] all(BlockSource source) throws Exception {
        ByteBuffer all = ByteBuffer.allocate((int) source.size());
        source.read(0, all);
        return all.array();
    }
}
