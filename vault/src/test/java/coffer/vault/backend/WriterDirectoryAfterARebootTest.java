package coffer.vault.backend;

import coffer.testing.EarlierBootOfThisMachine;
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
 * This machine's writer directories of an earlier boot (docs/format/lock.md, session 24): a name
 * {@code <host>.<pid>.<start>.<random>.<boot>.<machine>} of this host name, this machine's id and a boot this machine
 * remembers having had ({@link EarlierBootOfThisMachine}, the test double for a reboot) is a gone writer's, whatever
 * its pid (one of the earlier boot may name a live process now), and is removed at once with its temporaries; before,
 * it waited for gc's grace. A clone sharing this machine's id, another machine id, and a name without the machine id
 * (session 22's and 23's) are still left to gc.
 */
class WriterDirectoryAfterARebootTest {
    private static final String LIVE_PID = Long.toString(ProcessHandle.current().pid());
    private static final String TEMPORARY = "abc" + LocalDirectoryBackend.TEMP_MARK + "1234";

    @TempDir
    Path root;

    private Path writerDirectory(String random, String boot, String machine) throws IOException {
        String name = WriterDirectory.host() + "." + LIVE_PID + ".1700000000000." + random + "." + boot
                + (machine == null ? "" : "." + machine);
        Path dir = root.resolve(LocalDirectoryBackend.TEMP_MARK).resolve(name);
        Files.createDirectories(dir);
        Files.write(dir.resolve(TEMPORARY), new byte[]{1});
        return dir;
    }

    @Test
    void aWriterOfAnEarlierBootOfThisMachineIsGoneAtOnceThoughItsPidRunsNow() throws IOException {
        Path state = Files.createDirectories(root.resolve("state"));
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(state)) {
            Path beforeReboot = writerDirectory("0badcafe", earlier.boot(), OtherMachine.thisMachine());

            assertEquals(1, WriterDirectory.removeDead(root.resolve(LocalDirectoryBackend.TEMP_MARK)));
            assertFalse(Files.exists(beforeReboot), "this machine's writer of its earlier boot is gone");
        }
    }

    @Test
    void aCloneAnotherMachineAndANameWithoutTheMachineIdAreLeftToGc() throws IOException {
        Path state = Files.createDirectories(root.resolve("state"));
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(state)) {
            OtherMachine clone = OtherMachine.cloneOfThisMachine();
            Path clones = writerDirectory("0badcafe", clone.boot(), clone.machine());
            Path others = writerDirectory("1badcafe", earlier.boot(), OtherMachine.ofThisHostName().machine());
            Path withoutMachine = writerDirectory("2badcafe", earlier.boot(), null);

            assertEquals(0, WriterDirectory.removeDead(root.resolve(LocalDirectoryBackend.TEMP_MARK)));
            assertTrue(Files.exists(clones.resolve(TEMPORARY)), "a clone's boot is not in this machine's history");
            assertTrue(Files.exists(others.resolve(TEMPORARY)), "another machine id");
            assertTrue(Files.exists(withoutMachine.resolve(TEMPORARY)), "a name of session 22 or 23: by its age");
        }
    }

    @Test
    void aNameOfThisBootWithTheMachineIdIsJudgedByItsPid() throws IOException {
        Path ofThisBoot = writerDirectory("0badcafe", OtherMachine.thisBoot(), OtherMachine.thisMachine());
        String dead = ofThisBoot.getFileName().toString().replace("." + LIVE_PID + ".", ".999999999.");

        assertFalse(WriterDirectory.deadWriterOfThisHost(WriterDirectory.ofThisProcess(root).path().getFileName()
                .toString()), "this live process");
        assertTrue(WriterDirectory.deadWriterOfThisHost(dead), "a dead pid of this boot");
    }
}
