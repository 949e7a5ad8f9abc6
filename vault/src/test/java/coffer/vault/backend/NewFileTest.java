package coffer.vault.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NewFileTest {
    @TempDir
    Path dir;

    @Test
    void theNativeCallsAreBoundOnLinux() {
        assertTrue(NewFile.nativeCalls(), "open/write/sync_file_range/close through FFM");
    }

    @Test
    void writesTheRemainingBytesOfAHeapBufferSliceAndLeavesItsPositionAlone() throws IOException {
        byte[] array = new byte[3 << 20]; // larger than one write of the JDK's channel window
        new Random(7).nextBytes(array);
        ByteBuffer slice = ByteBuffer.wrap(array, 5, array.length - 17);
        NewFile.write(dir.resolve("heap"), slice);
        assertArrayEquals(Arrays.copyOfRange(array, 5, array.length - 12), Files.readAllBytes(dir.resolve("heap")));
        assertEquals(5, slice.position());
        assertEquals(array.length - 12, slice.limit());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("heap"))));
    }

    @Test
    void writesADirectBufferAndAnEmptyOne() throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(70_000);
        for (int i = 0; i < direct.capacity(); i++) {
            direct.put(i, (byte) (i * 31));
        }
        NewFile.write(dir.resolve("direct"), direct);
        byte[] expected = new byte[direct.capacity()];
        direct.get(0, expected);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("direct")));
        NewFile.write(dir.resolve("empty"), ByteBuffer.allocate(0));
        assertEquals(0, Files.size(dir.resolve("empty")));
    }

    @Test
    void anExistingFileIsNeitherReplacedNorWrittenAndAMissingDirectoryIsNamed() throws IOException {
        Files.writeString(dir.resolve("there"), "old");
        assertThrows(FileAlreadyExistsException.class, () -> NewFile.write(dir.resolve("there"), ByteBuffer.wrap(new byte[]{1})));
        assertEquals("old", Files.readString(dir.resolve("there")));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> NewFile.write(dir.resolve("gone/file"), ByteBuffer.wrap(new byte[]{1})));
        assertEquals(dir.resolve("gone/file").toString(), missing.getFile());
    }

    @Test
    void anUnnamedFileIsNamedWholeThroughEitherSourceAndWithoutANameItLeavesNothing() throws IOException {
        byte[] array = new byte[1 << 20];
        new Random(11).nextBytes(array);
        for (NewFile.Source source : NewFile.Source.values()) {
            Path target = dir.resolve("named-" + source);
            try (NewFile.Unnamed file = NewFile.writeUnnamed(dir, ByteBuffer.wrap(array))) {
                try (var entries = Files.list(dir)) {
                    assertFalse(entries.anyMatch(p -> p.getFileName().toString().startsWith("named-" + source)),
                            "no name before the link");
                }
                assertTrue(file.link(target, source), source.toString());
            }
            assertArrayEquals(array, Files.readAllBytes(target), source.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        }
        NewFile.writeUnnamed(dir, ByteBuffer.wrap(array)).close(); // never named
        try (var entries = Files.list(dir)) {
            assertEquals(2, entries.count(), "the two named files only");
        }
    }

    @Test
    void anUnnamedFileIsNotLinkedOverAnExistingOneAndAMissingDirectoryIsNamed() throws IOException {
        Files.writeString(dir.resolve("there"), "old");
        for (NewFile.Source source : NewFile.Source.values()) {
            try (NewFile.Unnamed file = NewFile.writeUnnamed(dir, ByteBuffer.wrap(new byte[]{1}))) {
                assertFalse(file.link(dir.resolve("there"), source), "EEXIST: the existing file is kept");
                NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                        () -> file.link(dir.resolve("gone/file"), source));
                assertEquals(dir.resolve("gone/file").toString(), missing.getFile());
            }
        }
        assertEquals("old", Files.readString(dir.resolve("there")));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> NewFile.writeUnnamed(dir.resolve("gone"), ByteBuffer.wrap(new byte[]{1})));
        assertEquals(dir.resolve("gone").toString(), missing.getFile());
    }

    @Test
    void aFileSystemWithoutUnnamedFilesIsRefusedAsSuch() {
        Path sysfs = Path.of("/sys/kernel"); // sysfs has no O_TMPFILE
        assumeTrue(Files.isDirectory(sysfs) && Files.isWritable(sysfs), "a writable sysfs (root)");
        NewFile.UnnamedFilesRefused refused = assertThrows(NewFile.UnnamedFilesRefused.class,
                () -> NewFile.writeUnnamed(sysfs, ByteBuffer.wrap(new byte[]{1})));
        assertTrue(refused.getReason().startsWith("open(O_TMPFILE): "), refused.getReason());
    }
}
