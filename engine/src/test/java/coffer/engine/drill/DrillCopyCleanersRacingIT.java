package coffer.engine.drill;

import coffer.engine.instance.TestDomain;
import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two cleaners of drill copies on one host (a drill's {@link DrillLeftovers}, a server's or an agent's start, or test
 * runs side by side) race for the same dead drill's copy: the one that finds it gone ({@code VIR_ERR_NO_DOMAIN}) takes
 * it as removed, with no error and no warning, and still deletes the copy's files. Before, the listing's cleaner failed
 * whole with "domain not found" (and so removed none of the other copies), and a removal whose domain went between two
 * calls reported a problem (a drill's CLEANUP failure). The race is made deterministic: the domain goes between the
 * listing and the removal, or (a transient domain, which goes when it is destroyed) between the destroy and the undefine.
 *
 * <p>The dead copies are dead to this test's process only (as in {@link StaleDrillCopiesIT}): marked as of an earlier
 * boot of this machine that only this process's boot history holds, so the cleaners of other test runs on the machine's
 * shared libvirt leave them alone (one did, and the transient copy was destroyed while it started).
 */
class DrillCopyCleanersRacingIT {
    @TempDir Path dir;
    Libvirt libvirt;
    RunningCopies copies;
    Path drills;
    EarlierBootOfThisMachine earlier;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        libvirt = Libvirt.connect("qemu:///system");
        copies = new RunningCopies(libvirt, dir);
        drills = Files.createDirectories(dir.resolve("drills"));
        earlier = new EarlierBootOfThisMachine(Files.createDirectories(dir.resolve("state")));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (copies != null) {
            copies.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
        if (earlier != null) {
            earlier.close();
        }
    }

    private DrillCopy deadCopy(String suffix) {
        String id = "hosts23-race-" + UUID.randomUUID().toString().substring(0, 8) + suffix;
        return new DrillCopy(DrillCopy.PREFIX + id, drills.resolve(id), "p", ProcessHandle.current().pid(),
                DrillCopy.thisHost(), earlier.boot(), OtherMachine.thisMachine(), Instant.now());
    }

    @Test
    void aCopyRemovedByAnotherCleanerAfterTheListingIsSkippedWithoutAnError() throws Exception {
        DrillCopy dead = deadCopy("");
        copies.run(dead);
        List<String> listed = DrillLeftovers.candidates(libvirt);
        assertTrue(listed.contains(dead.name()), listed.toString());

        assertEquals(List.of(), dead.remove(libvirt), "the other cleaner removes it first");
        List<String> warnings = new ArrayList<>();
        Optional<String> removed = DrillLeftovers.cleanListed(libvirt, dead.name(), drills, warnings);

        assertEquals(Optional.empty(), removed, "nothing left for this cleaner to remove");
        assertEquals(List.of(), warnings);
        assertTrue(libvirt.domain(dead.name()).isEmpty());
        assertFalse(Files.exists(dead.directory()));
    }

    @Test
    void aDomainThatGoesBetweenTheDestroyAndTheUndefineCountsAsRemovedAndItsFilesAreStillDeleted() throws Exception {
        DrillCopy dead = deadCopy("-transient");
        copies.runTransient(dead); // it goes when destroyed, before the undefine
        assertTrue(libvirt.state(dead.name()).active());

        List<String> warnings = new ArrayList<>();
        Optional<String> removed = DrillLeftovers.cleanListed(libvirt, dead.name(), drills, warnings);

        assertEquals(Optional.of(dead.name()), removed, "gone counts as removed");
        assertEquals(List.of(), warnings, "no problem reported");
        assertTrue(libvirt.domain(dead.name()).isEmpty());
        assertFalse(Files.exists(dead.directory()), "its files deleted all the same");
    }
}
