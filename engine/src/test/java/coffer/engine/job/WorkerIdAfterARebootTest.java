package coffer.engine.job;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.operation.BackupInstance;
import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import coffer.vault.HostName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's worker id names its machine ({@code hostname:pid:random:boot:machine}, session 24; docs/format/lock.md): a
 * worker of an earlier boot of this machine ({@link EarlierBootOfThisMachine}, the test double for a reboot) is gone
 * whatever its pid (one of the earlier boot may name a live process now), and its job fails {@code WorkerLost} at the
 * runner's start; before, it waited for the heartbeat to go stale. A clone sharing this machine's id, another machine
 * id, and an id without the machine id (session 22's and 23's) are still judged by their heartbeat.
 */
class WorkerIdAfterARebootTest {
    private static final long LIVE_PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private static String id(String boot, String machine) {
        return HostName.get() + ":" + LIVE_PID + ":0badcafe:" + boot + (machine == null ? "" : ":" + machine);
    }

    @Test
    void aWorkerOfAnEarlierBootOfThisMachineIsDeadWhateverItsPidAndOthersAreNot() throws Exception {
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(Files.createDirectories(dir.resolve("s")))) {
            OtherMachine clone = OtherMachine.cloneOfThisMachine();
            assertTrue(WorkerId.certainlyDead(id(earlier.boot(), OtherMachine.thisMachine())),
                    "this machine's worker of its earlier boot, though its pid runs now");
            assertFalse(WorkerId.certainlyDead(id(clone.boot(), clone.machine())), "a clone's boot is not in the history");
            assertFalse(WorkerId.certainlyDead(id(earlier.boot(), OtherMachine.ofThisHostName().machine())),
                    "another machine id");
            assertFalse(WorkerId.certainlyDead(id(earlier.boot(), null)), "an id of session 22 or 23: its heartbeat");
            assertFalse(WorkerId.certainlyDead("another-host:" + LIVE_PID + ":0badcafe:" + earlier.boot() + ":"
                    + OtherMachine.thisMachine()), "another host name");
        }
    }

    @Test
    void aFreshIdNamesThisBootAndMachineAndEveryFormParses() {
        String fresh = WorkerId.fresh();
        assertEquals(new WorkerId(HostName.get(), LIVE_PID, fresh.split(":")[fresh.split(":").length - 3],
                OtherMachine.thisBoot(), OtherMachine.thisMachine()), WorkerId.parse(fresh).orElseThrow());
        assertTrue(fresh.endsWith(":" + OtherMachine.thisBoot() + ":" + OtherMachine.thisMachine()), fresh);
        assertTrue(WorkerId.certainlyDead(fresh), "this process, but no runner registered it");
        WorkerId.register(fresh);
        try {
            assertFalse(WorkerId.certainlyDead(fresh), "this live runner");
        } finally {
            WorkerId.unregister(fresh);
        }

        String boot = OtherMachine.thisBoot();
        assertEquals(new WorkerId("kvm-1", 4711, "0badcafe", boot, null),
                WorkerId.parse("kvm-1:4711:0badcafe:" + boot).orElseThrow(), "session 22's form");
        assertEquals(new WorkerId("kvm-1", 4711, "0badcafe", null, null),
                WorkerId.parse("kvm-1:4711:0badcafe").orElseThrow(), "the form before session 22");
        assertTrue(WorkerId.certainlyDead(HostName.get() + ":999999999:0badcafe:" + boot + ":"
                + OtherMachine.thisMachine()), "a dead pid of this boot");
    }

    @Test
    void aJobOfAWorkerOfAnEarlierBootFailsAtTheRunnersStartDespiteAFreshHeartbeat() throws Exception {
        try (TestDatabase database = TestDatabase.sqlite(dir);
             Catalog catalog = Catalog.open(database.config());
             EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(Files.createDirectories(dir.resolve("s")))) {
            catalog.hosts().ensure("local", "qemu:///system");
            Job beforeReboot = catalog.jobs().submit(BackupInstance.of("instance-1"), "local");
            catalog.jobs().claimNext(id(earlier.boot(), OtherMachine.thisMachine()), 2, Instant.now());
            OtherMachine clone = OtherMachine.cloneOfThisMachine();
            Job clones = catalog.jobs().submit(BackupInstance.of("instance-2"), "local");
            catalog.jobs().claimNext(id(clone.boot(), clone.machine()), 2, Instant.now());

            try (JobRunner runner = new JobRunner(catalog, JobRunner.newWorkerId(), Map.of(JobType.backup,
                    (operation, job, context) -> {
                        throw new AssertionError("no job is claimed by this runner: " + job.id());
                    }), JobRunner.Settings.defaults())) {
                runner.start();
                Job lost = catalog.jobs().find(beforeReboot.id()).orElseThrow();
                assertEquals(JobState.failed, lost.state(), "failed by start(), before any heartbeat could go stale");
                assertEquals("WorkerLost", lost.errorCode());
                assertEquals(JobState.running, catalog.jobs().find(clones.id()).orElseThrow().state(),
                        "a clone's job waits for its heartbeat");
            }
        }
    }
}
