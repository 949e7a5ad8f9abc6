package coffer.vault;

import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This machine's boot history ({@link EarlierBoots}) is read once per process (session 24): a judgement of a lock, lease,
 * claim or marker of an earlier boot no longer reads the file each time. Proven by removing the file after the first
 * judgement (as a counted reader would show one reading): the later judgements answer as the first, from what was read.
 */
class EarlierBootsReadOnceTest {
    @TempDir
    Path dir;

    @Test
    void theHistoryIsReadOnceAndLaterJudgementsAnswerFromWhatWasRead() throws IOException {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(dir)) {
            Path history = EarlierBoots.file();
            assertTrue(Files.exists(history), history.toString());
            String unknown = OtherMachine.ofThisHostName().boot();

            assertTrue(EarlierBoots.contains(earlier.boot()), "an earlier boot of this machine, first reading");
            assertFalse(EarlierBoots.contains(unknown), "a boot the history does not hold");
            Files.delete(history);

            assertTrue(EarlierBoots.contains(earlier.boot()), "the history was read once: its file is not read again");
            assertTrue(BootId.earlierBootOfThisMachine(earlier.boot(), OtherMachine.thisMachine()));
            assertFalse(EarlierBoots.contains(unknown));
            assertFalse(EarlierBoots.contains(OtherMachine.thisBoot()), "this boot is never an earlier one");
            assertFalse(Files.exists(history), "judging writes nothing");
        }
    }

    @Test
    void aBootAddedToTheFileDuringThisBootIsThisBootWhichIsNeverAnEarlierOne() throws IOException {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(dir)) {
            Path history = EarlierBoots.file();
            assertFalse(EarlierBoots.contains(OtherMachine.thisBoot()));
            assertTrue(EarlierBoots.remember(history, OtherMachine.thisBoot()), "this boot recorded after the reading");

            assertFalse(EarlierBoots.contains(OtherMachine.thisBoot()), "the same answer as a fresh reading gives");
            assertTrue(EarlierBoots.contains(earlier.boot()));
        }
    }
}
