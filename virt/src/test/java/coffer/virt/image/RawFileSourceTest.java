package coffer.virt.image;

import coffer.vault.io.Extent;
import coffer.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RawFileSourceTest {
    @TempDir
    Path dir;

    private static final List<Extent> DATA = List.of(
            new Extent(MiB, 64 * 1024),
            new Extent(3L * MiB, 128 * 1024),
            new Extent(8L * MiB - 4096, 4096));

    @Test
    void dataExtentsAreTheWrittenRangesOfASparseFile() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.raw"), 8L * MiB, DATA, 1);
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(8L * MiB, source.size());
            assertEquals(DATA, source.dataExtents(0, source.size()));
        }
    }

    @Test
    void dataExtentsAreClippedToTheAskedRange() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.raw"), 8L * MiB, DATA, 1);
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(List.of(new Extent(MiB + 4096, 60 * 1024), new Extent(3L * MiB, 4096)),
                    source.dataExtents(MiB + 4096, 2L * MiB));
            assertEquals(List.of(), source.dataExtents(2L * MiB, MiB));
            assertEquals(List.of(new Extent(8L * MiB - 4096, 4096)), source.dataExtents(7L * MiB, 5L * MiB));
        }
    }

    @Test
    void aFullySparseFileHasNoDataExtents() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("empty.raw"), 16L * MiB, List.of(), 1);
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(List.of(), source.dataExtents(0, source.size()));
        }
    }

    @Test
    void readsMatchTheFileWithHolesReadingAsZeros() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.raw"), 8L * MiB, DATA, 2);
        try (RawFileSource source = RawFileSource.open(file, false)) {
            assertEquals(TestData.sha256(file), Images.sha256(source));
        }
    }

    @Test
    void readingPastTheEndIsEof() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.raw"), MiB, List.of(), 1);
        try (RawFileSource source = RawFileSource.open(file, false)) {
            EOFException e = assertThrows(EOFException.class, () -> source.read(MiB - 10, ByteBuffer.allocate(20)));
            assertEquals(true, e.getMessage().contains(file.toString()));
        }
    }

    @Test
    void closedSourceRefusesWork() throws Exception {
        Path file = Images.sparseRaw(dir.resolve("disk.raw"), MiB, DATA.subList(0, 1), 1);
        RawFileSource source = RawFileSource.open(file, false);
        source.close();
        source.close();
        assertThrows(java.io.IOException.class, () -> source.dataExtents(0, MiB));
        assertThrows(java.io.IOException.class, () -> source.read(0, ByteBuffer.allocate(10)));
    }
}
