package coffer.vault.backend;

import coffer.testing.OtherMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writer directories ({@code ~tmp~/<host>.<pid>.<start>.<random>.<boot>}) on a vault directory shared by two machines
 * of one host name ({@link OtherMachine}, the test double for the machine that cannot run here): the other machine's
 * is never removed for its pid; a dead writer's of this boot, or of the name written before the boot id, still is.
 */
class WriterDirectoryOfAnotherMachineTest {
    private static final long DEAD_PID = 999_999_999L;

    @TempDir
    Path root;

    private Path writerDirectory(String name) throws IOException {
        Path dir = root.resolve(LocalDirectoryBackend.TEMP_MARK).resolve(name);
        Files.createDirectories(dir);
        Files.write(dir.resolve("abc" + LocalDirectoryBackend.TEMP_MARK + "1234"), new byte[]{1});
        return dir;
    }

    @Test
    void aDeadPidRemovesOnlyTheDirectoriesOfThisBootAndOfTheEarlierName() throws IOException {
        String prefix = WriterDirectory.host() + "." + DEAD_PID + ".1700000000000.0badcafe";
        Path otherMachines = writerDirectory(prefix + "." + OtherMachine.ofThisHostName().boot());
        Path thisBoots = writerDirectory(prefix.replace("0badcafe", "1badcafe") + "." + OtherMachine.thisBoot());
        Path earlier = writerDirectory(prefix.replace("0badcafe", "2badcafe"));

        assertEquals(2, WriterDirectory.removeDead(root.resolve(LocalDirectoryBackend.TEMP_MARK)));
        assertTrue(Files.exists(otherMachines.resolve("abc" + LocalDirectoryBackend.TEMP_MARK + "1234")),
                "another machine's writer of this host name keeps its temporaries");
        assertFalse(Files.exists(thisBoots), "a dead writer of this boot");
        assertFalse(Files.exists(earlier), "a dead writer named before the boot id, judged by its host as before");
    }

    @Test
    void aWritersDirectoryNamesThisBoot() {
        String name = WriterDirectory.ofThisProcess(root).path().getFileName().toString();
        assertTrue(name.startsWith(WriterDirectory.host() + "." + ProcessHandle.current().pid() + "."), name);
        assertTrue(name.endsWith("." + OtherMachine.thisBoot() + "." + OtherMachine.thisMachine()), name);
        assertEquals(6, name.split("\\.").length, name);
        assertFalse(WriterDirectory.deadWriterOfThisHost(name), "this live process");
    }
}
