package coffer.virt.image;

import coffer.vault.io.BlockSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Path checks and raw images: no external tools needed. */
class DiskImagesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingImageIsNoSuchFileNamingThePath() {
        Path missing = dir.resolve("missing.qcow2");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> DiskImages.openSource(missing));
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void aDirectoryIsRefusedNamingThePath() {
        FileSystemException e = assertThrows(FileSystemException.class, () -> DiskImages.openSource(dir, "raw"));
        assertEquals(dir.toString(), e.getFile());
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void aRawImageOfKnownFormatIsReadDirectly() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.img"), Images.MiB, List.of(), 1);
        try (BlockSource source = DiskImages.openSource(file, "raw")) {
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
        assertEquals(new ImageInfo("qcow2", 64L << 20, -1, List.of("b0", "b1"), List.of()),
                QemuImg.parseInfo(json, Path.of("/x.qcow2")));
        assertEquals(new ImageInfo("raw", 512, -1, List.of(), List.of()),
                QemuImg.parseInfo("{\"virtual-size\": 512, \"format\": \"raw\"}", Path.of("/y")));
    }
}
