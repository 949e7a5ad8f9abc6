package coffer.engine.reclaim;

import coffer.engine.vault.OneVault;
import coffer.testing.DiskImage;
import coffer.testing.LeftHeld;
import coffer.testing.MutableClock;
import coffer.testing.TestVault;
import coffer.vault.PointIds;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SpaceReclaim} on a real vault whose chunks are made two hours old (as an expired point's are): a deletion is
 * reclaimed by the next step, in small steps when the sweep budget is short, never while a backup holds the vault
 * (the step gives up within its lock wait and the backup finishes unharmed), and with nothing deleted only the
 * periodic rescan runs; a step records the stale claims and leases its gc removed.
 */
class SpaceReclaimTest {
    static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    /** Times stored objects: two hours before the real now, so that chunks are older than any grace. */
    final MutableClock objects = new MutableClock(Instant.now().minus(Duration.ofHours(2)));
    /** The reclaim's own clock, which the test moves. */
    final MutableClock clock = new MutableClock(START);
    TestVault vault;
    byte[] diskA;
    byte[] diskB;

    @BeforeEach
    void open() throws IOException {
        vault = TestVault.create(new MemoryBackend(objects), null);
        diskA = new DiskImage(40 * CHUNK, 81).random(0, 40 * CHUNK).bytes();
        diskB = new DiskImage(12 * CHUNK, 82).random(0, 12 * CHUNK).bytes();
    }

    @AfterEach
    void close() throws IOException {
        vault.close();
    }

    private SpaceReclaim reclaim(ReclaimSettings settings) {
        return new SpaceReclaim(new OneVault(vault.vault()), settings, clock);
    }

    private static ReclaimSettings withBudget(Duration budget) {
        ReclaimSettings d = ReclaimSettings.DEFAULTS;
        return new ReclaimSettings(d.deadline(), d.grace(), Duration.ofMillis(200), budget, d.retryAfter(), d.rescanEvery());
    }

    private long unreferencedBytes() throws IOException {
        return new StatsCollector(vault.vault()).collect().unreferencedBytes();
    }

    @Test
    void aDeletedPointsSpaceIsReclaimedByTheNextStepAndNothingRunsAfterwards() throws IOException {
        SpaceReclaim reclaim = reclaim(ReclaimSettings.DEFAULTS);
        assertEquals(ReclaimRun.Outcome.COMPLETE, reclaim.runIfDue("main").orElseThrow().outcome(), "the start-up rescan");
        PointManifest doomed = vault.backup("vm", diskA);
        PointManifest kept = vault.backup("db", diskB);
        assertTrue(reclaim.runIfDue("main").isEmpty(), "nothing deleted, no rescan due");

        vault.vault().deletePoint(doomed.id());
        reclaim.noteDeleted("main", clock.instant());
        long unreferenced = unreferencedBytes();
        assertTrue(unreferenced > 0);
        clock.advance(Duration.ofSeconds(5));
        ReclaimRun run = reclaim.runIfDue("main").orElseThrow();
        assertEquals(ReclaimRun.Outcome.COMPLETE, run.outcome());
        assertEquals(ReclaimDecision.Reason.DELETED, run.reason());
        assertEquals(40, run.reclaimedChunks());
        assertEquals(unreferenced, run.reclaimedBytes());
        assertEquals(START, run.pendingSince());
        assertFalse(run.late());
        assertEquals(0, unreferencedBytes());
        assertArrayEquals(diskB, vault.restore(kept, "vda"));
        assertTrue(reclaim.runIfDue("main").isEmpty(), "reclaimed: nothing more until the next rescan");
        clock.advance(Duration.ofDays(1));
        assertEquals(ReclaimDecision.Reason.RESCAN, reclaim.runIfDue("main").orElseThrow().reason());
    }

    /**
     * A claim and a lease of runs killed for good on another host (written two hours ago, by the objects' clock and
     * in their bodies): the step's gc removes them and the run records how many; a live lease of that host stays.
     */
    @Test
    void aStepRecordsTheStaleClaimsAndLeasesItsGcRemoved() throws IOException {
        SpaceReclaim reclaim = reclaim(ReclaimSettings.DEFAULTS);
        PointManifest point = vault.backup("vm", diskB);
        String replica = PointIds.newId(objects.instant());
        LeftHeld.put(vault.backend(), "claims/" + replica + "/killed-elsewhere", "WRITE", objects.instant());
        LeftHeld.put(vault.backend(), "leases/" + point.id() + "/killed-elsewhere", "SERVE", objects.instant());
        LeftHeld.put(vault.backend(), "leases/" + point.id() + "/killed-too", "SERVE", objects.instant());
        objects.set(Instant.now());
        LeftHeld.put(vault.backend(), "leases/" + point.id() + "/serving-elsewhere", "SERVE", objects.instant());

        ReclaimRun run = reclaim.runIfDue("main").orElseThrow();
        assertEquals(ReclaimRun.Outcome.COMPLETE, run.outcome());
        assertEquals(1, run.staleClaims(), run.toString());
        assertEquals(2, run.staleLeases(), run.toString());
        assertEquals(List.of(), vault.objects("claims/"));
        assertEquals(List.of("leases/" + point.id() + "/serving-elsewhere"), vault.objects("leases/"));
        assertEquals(", removed 1 stale claim(s) and 2 stale lease(s)", ReclaimHistory.staleRemoved(run));

        clock.advance(Duration.ofDays(1));
        ReclaimRun next = reclaim.runIfDue("main").orElseThrow();
        assertEquals(0, next.staleClaims() + next.staleLeases(), "nothing stale left: " + next);
        assertEquals("", ReclaimHistory.staleRemoved(next));
    }

    @Test
    void aShortSweepBudgetReclaimsInStepsWithPausesForBackups() throws IOException {
        SpaceReclaim reclaim = reclaim(withBudget(Duration.ofNanos(1)));
        PointManifest doomed = vault.backup("vm", diskA);
        vault.vault().deletePoint(doomed.id());
        reclaim.noteDeleted("main", clock.instant());
        long total = 0;
        int steps = 0;
        ReclaimRun run;
        do {
            run = reclaim.runIfDue("main").orElseThrow();
            total += run.reclaimedBytes();
            steps++;
            assertTrue(reclaim.runIfDue("main").isEmpty() || run.outcome() == ReclaimRun.Outcome.COMPLETE,
                    "no step right after an unfinished one");
            clock.advance(ReclaimSettings.DEFAULTS.retryAfter());
        } while (run.outcome() == ReclaimRun.Outcome.PARTIAL && steps < 10);
        assertEquals(ReclaimRun.Outcome.COMPLETE, run.outcome());
        assertEquals(3, steps, "16 + 16 + 8 chunks: a step whose budget is spent still deletes a first batch of 16");
        assertEquals(0, unreferencedBytes());
        assertTrue(total > 0);
    }

    @Test
    void aStepGivesUpWhileABackupHoldsTheVaultAndTheBackupFinishesUnharmed() throws IOException {
        SpaceReclaim reclaim = reclaim(withBudget(Duration.ofSeconds(30)));
        PointManifest doomed = vault.backup("vm", diskA);
        vault.vault().deletePoint(doomed.id());
        reclaim.noteDeleted("main", clock.instant());
        objects.set(Instant.now()); // the backup's lock must look fresh, not two hours old (stale)
        PointManifest written;
        try (PointWriter backup = PointWriter.begin(vault.vault(), "db", vault.nextCreationTime(), 2)) {
            backup.writeDisk("vda", coffer.testing.ByteArrayBlockSource.of(diskB), "raw", null, Progress.NONE);
            long started = System.nanoTime();
            ReclaimRun busy = reclaim.runIfDue("main").orElseThrow();
            assertEquals(ReclaimRun.Outcome.BUSY, busy.outcome());
            assertTrue(busy.busy().contains("backup of db"), busy.busy());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(20)) < 0,
                    "gave up within its lock wait (plus its mark)");
            written = backup.commit("CRASH", null, null, null);
        }
        assertArrayEquals(diskB, vault.restore(written, "vda"));
        assertTrue(reclaim.runIfDue("main").isEmpty(), "retries only after retryAfter");
        clock.advance(Duration.ofMinutes(11));
        ReclaimRun late = reclaim.runIfDue("main").orElseThrow();
        assertEquals(ReclaimRun.Outcome.COMPLETE, late.outcome());
        assertTrue(late.late(), "the deletion's 10-minute deadline had passed");
        assertEquals(40, late.reclaimedChunks());
        assertEquals(Optional.empty(), reclaim.runIfDue("main"));
    }
}
