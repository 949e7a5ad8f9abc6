package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unfinished {@code write} marker of an earlier boot of this machine (docs/format/unfinished.md, session 23;
 * {@link EarlierBootOfThisMachine}, the test double for a reboot) keeps no chunks of a failed backup: its writer went
 * with that boot, whatever its pid names now. Before, like another machine's, it kept them for gc. A clone's marker
 * (this machine id, a boot not in the history: {@link OtherMachine#cloneOfThisMachine}) still keeps them.
 */
class UnfinishedMarkerAfterARebootTest {
    @TempDir
    Path dir;

    private PointWriter.Reclaimed failedBackupBeside(String boot, String machine, int seed) throws Exception {
        try (TestVault vault = VaultFlavour.MEMORY.create(dir.resolve("v" + seed))) {
            String elsewhere = PointIds.newId(vault.nextCreationTime());
            new UnfinishedMarker(UnfinishedMarker.FORMAT, UnfinishedMarker.VERSION, "write", HostName.get(),
                    ProcessHandle.current().pid(), vault.nextCreationTime(), boot, machine).put(vault.vault(), elsewhere);
            PointWriter writer = PointWriter.begin(vault.vault(), "a", vault.nextCreationTime(), 2);
            writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(seed, 2 * CHUNK)), "raw", null,
                    Progress.NONE);
            writer.close();
            return writer.reclaimed();
        }
    }

    @Test
    void aMarkerOfAnEarlierBootOfThisMachineKeepsNoChunksAClonesDoes() throws Exception {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(dir)) {
            assertEquals(new PointWriter.Reclaimed(2, 2, null),
                    failedBackupBeside(earlier.boot(), OtherMachine.thisMachine(), 92),
                    "the earlier boot's writer is gone");

            OtherMachine clone = OtherMachine.cloneOfThisMachine();
            PointWriter.Reclaimed kept = failedBackupBeside(clone.boot(), clone.machine(), 93);
            assertEquals(0, kept.removedChunks(), "a clone's writer may be writing on");
            assertTrue(kept.leftBecause().contains("may still be written"), kept.leftBecause());
        }
    }

    @Test
    void aMarkerNamesThisMachine() {
        assertEquals(OtherMachine.thisMachine(), UnfinishedMarker.of("write").machine());
    }
}
