package coffer.engine.drill;

import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A drill copy's owner is judged like a vault lock's holder (docs/design/locking.md, "Whose process is gone"): at once
 * only when it is of this host name and boot and its pid is gone, or of an earlier boot of this machine; a copy of
 * another machine of the same host name ({@link OtherMachine}) only once it is older than
 * {@link DrillCopy#ABANDONED_AFTER}. Before, host name and pid alone decided: the other machine's running drill lost
 * its copy. A mark written before session 23 reads and is judged as before.
 */
class DrillCopyJudgedByBootTest {
    private static final long DEAD_PID = Long.MAX_VALUE;
    private final Path dir = Path.of("/var/lib/coffer/drills/x");

    @TempDir
    Path state;

    @Test
    void aCopyOfAnotherMachineOfThisHostNameIsKeptUntilItIsOld() {
        OtherMachine other = OtherMachine.ofThisHostName();
        Instant now = Instant.now();
        DrillCopy recent = new DrillCopy("coffer-drill-x", dir, "p", DEAD_PID, other.host(), other.boot(),
                other.machine(), now.minusSeconds(3600));
        assertFalse(recent.abandoned(now), "no process here has its pid, but it is not this machine's");
        DrillCopy old = new DrillCopy("coffer-drill-x", dir, "p", DEAD_PID, other.host(), other.boot(),
                other.machine(), now.minus(DrillCopy.ABANDONED_AFTER).minusSeconds(1));
        assertTrue(old.abandoned(now));
        DrillCopy clone = new DrillCopy("coffer-drill-x", dir, "p", DEAD_PID, other.host(), other.boot(),
                OtherMachine.thisMachine(), now);
        assertFalse(clone.abandoned(now), "a clone sharing this machine's id is not this machine");
    }

    @Test
    void aCopyOfThisBootIsJudgedByItsPidAtOnce() {
        DrillCopy dead = new DrillCopy("coffer-drill-x", dir, "p", DEAD_PID, DrillCopy.thisHost(),
                OtherMachine.thisBoot(), OtherMachine.thisMachine(), Instant.now());
        assertTrue(dead.abandoned());
        DrillCopy mine = DrillCopy.of("x", dir.getParent(), "p");
        assertEquals(OtherMachine.thisBoot(), mine.ownerBoot());
        assertEquals(OtherMachine.thisMachine(), mine.ownerMachine());
        assertFalse(mine.abandoned(), "this process runs");
    }

    @Test
    void aCopyOfAnEarlierBootOfThisMachineIsAbandonedAtOnceWhateverItsPid() {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(state)) {
            DrillCopy beforeReboot = new DrillCopy("coffer-drill-x", dir, "p", ProcessHandle.current().pid(),
                    DrillCopy.thisHost(), earlier.boot(), OtherMachine.thisMachine(), Instant.now());
            assertTrue(beforeReboot.abandoned(), "its process went with the earlier boot");
        }
    }

    @Test
    void theMarkReadsBackWithItsBootMachineAndAgeAndTheEarlierMarkStillReads() {
        DrillCopy copy = DrillCopy.of("0a1b2c3d", Path.of("/var/lib/coffer/drills"), "20260301-000000-deadbeef");
        assertTrue(copy.description().contains(" boot=" + OtherMachine.thisBoot() + " machine="
                + OtherMachine.thisMachine() + " since="), copy.description());
        assertEquals(Optional.of(copy), DrillCopy.parse(copy.name(), copy.description()));

        Optional<DrillCopy> earlier = DrillCopy.parse("coffer-drill-0a1b2c3d",
                "coffer-drill point=p1 owner=41234@kvm-07.example.com dir=/var/lib/coffer/drills/0a1b2c3d");
        assertEquals(Optional.of(new DrillCopy("coffer-drill-0a1b2c3d", Path.of("/var/lib/coffer/drills/0a1b2c3d"),
                "p1", 41234, "kvm-07.example.com")), earlier);
        assertFalse(earlier.get().abandoned(), "a copy of another host with an earlier mark is never removed from here");
    }
}
