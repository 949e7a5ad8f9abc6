package coffer.engine.job;

import coffer.testing.OtherMachine;
import coffer.vault.HostName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's worker id names its machine's boot ({@code hostname:pid:random:boot}): a worker of another machine of this
 * host name ({@link OtherMachine}, the test double for the machine that cannot run here) is never found dead by its
 * pid here (its heartbeat decides); a dead worker of this boot, or one named before the boot id, still is at once.
 */
class WorkerIdOfAnotherMachineTest {
    private static final long DEAD_PID = 999_999_999L;

    @Test
    void aDeadPidIsADeadWorkerOnlyInThisBootOrInAnIdOfTheEarlierForm() {
        OtherMachine other = OtherMachine.ofThisHostName();
        assertFalse(WorkerId.certainlyDead(other.host() + ":" + DEAD_PID + ":0badcafe:" + other.boot()),
                "another machine's worker of this host name");
        assertTrue(WorkerId.certainlyDead(HostName.get() + ":" + DEAD_PID + ":0badcafe:" + OtherMachine.thisBoot()),
                "a dead worker of this boot");
        assertTrue(WorkerId.certainlyDead(HostName.get() + ":" + DEAD_PID + ":0badcafe"),
                "an id of the earlier form, judged by its host name as before");
        assertFalse(WorkerId.certainlyDead("another-host:" + DEAD_PID + ":0badcafe"));
    }

    @Test
    void aFreshIdNamesThisBootAndBothFormsParse() {
        String fresh = WorkerId.fresh();
        WorkerId parsed = WorkerId.parse(fresh).orElseThrow();
        assertEquals(HostName.get(), parsed.host());
        assertEquals(ProcessHandle.current().pid(), parsed.pid());
        assertEquals(OtherMachine.thisBoot(), parsed.boot());
        assertTrue(WorkerId.certainlyDead(fresh), "this process, but no runner registered it");
        WorkerId.register(fresh);
        try {
            assertFalse(WorkerId.certainlyDead(fresh));
        } finally {
            WorkerId.unregister(fresh);
        }

        WorkerId earlier = WorkerId.parse("kvm-1:4711:0badcafe").orElseThrow();
        assertEquals(new WorkerId("kvm-1", 4711, "0badcafe", null), earlier);
        assertNull(WorkerId.parse("kvm-1:0badcafe:" + OtherMachine.thisBoot()).map(WorkerId::boot).orElse(null),
                "no pid: not an id with a boot");
    }
}
