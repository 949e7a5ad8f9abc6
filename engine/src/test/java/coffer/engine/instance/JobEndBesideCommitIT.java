package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.testing.Await;
import coffer.testing.TestData;
import coffer.virt.image.ImageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running domain's incremental ends its pull-mode job beside the commit (docs/performance.md, session 26): the
 * point commits while the job's end is held back, and what removes a checkpoint (the prune of the old one, the clean-up
 * of a point that did not commit) waits for that end. The point restores exactly; no job is left.
 */
class JobEndBesideCommitIT {
    private static final Duration LIMIT = Duration.ofMinutes(1);
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);

    /** Holds the tasks it is given until {@link #release}, then runs them on a thread of its own. */
    private static final class HeldExecutor implements Executor {
        final List<Runnable> held = new CopyOnWriteArrayList<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        void release() {
            List<Runnable> tasks = List.copyOf(held);
            held.clear();
            Thread.ofPlatform().daemon().name("held-job-end").start(() -> tasks.forEach(Runnable::run));
        }
    }

    @Test
    void thePointCommitsWhileTheJobEndsAndThePruneWaitsForIt() throws Exception {
        TestDomain domain = fx.domain(Map.of("vda", "qcow2"), 16);
        InstanceBackup backup = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime());
        backup.run(new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), JobProgress.NONE);
        String fullCheckpoint = fx.libvirt().checkpoints(domain.name).getFirst();
        domain.writeRandom("vda", 3L << 20, 1 << 20, 26);

        HeldExecutor jobEnds = new HeldExecutor();
        StagedBackup staged = backup.prepare(new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE));
        CompletableFuture<Void> pruned;
        try {
            staged.endJobsThrough(jobEnds);
            staged.quiesceAndBegin();
            staged.read(JobProgress.NONE);
            assertEquals(1, jobEnds.held.size(), "the job's end handed over, not run on the reading thread");
            assertTrue(backupJobRunning(domain), "the export still runs after the read");
            staged.commit(PointFacts.NONE);
            assertTrue(backupJobRunning(domain), "the point committed while the job had not ended");

            pruned = new CompletableFuture<>();
            Thread pruning = Thread.ofPlatform().name("pruning").start(() -> {
                staged.pruneCheckpoints();
                pruned.complete(null);
            });
            // the prune parks until the held job end has run, or (were it not waiting) ends on its own
            Await.until(() -> parked(pruning) || !pruning.isAlive(), LIMIT, "the prune parks or ends");
            assertFalse(pruned.isDone(), "the prune waits for the job's end");
            assertTrue(fx.libvirt().checkpoints(domain.name).contains(fullCheckpoint), "the old checkpoint is kept meanwhile");
            jobEnds.release();
            pruned.get();
        } finally {
            jobEnds.release(); // whatever failed above, the clean-up must not wait for a held end
            staged.close();
        }
        InstanceBackup.Result result = staged.result();
        Await.until(() -> !backupJobRunning(domain), LIMIT, "no backup job left");
        assertEquals(List.of(PointFacts.of(result.point()).checkpoint()), fx.libvirt().checkpoints(domain.name),
                "only the new checkpoint is kept");
        Path restored = dir.resolve("restored.raw");
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(result.point().id(), "vda", restored, ImageFormat.RAW,
                false, JobProgress.NONE);
        assertEquals(domain.sha("vda"), TestData.sha256(restored), "the point restores exactly");
    }

    @Test
    void aPointThatDidNotCommitRemovesItsCheckpointOnlyAfterTheJobEnded() throws Exception {
        TestDomain domain = fx.domain(Map.of("vda", "qcow2"), 16);
        InstanceBackup backup = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime());
        backup.run(new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), JobProgress.NONE);
        List<String> before = fx.libvirt().checkpoints(domain.name);
        domain.writeRandom("vda", 1L << 20, 1 << 20, 27);

        HeldExecutor jobEnds = new HeldExecutor();
        StagedBackup staged = backup.prepare(new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE));
        staged.endJobsThrough(jobEnds);
        try {
            closeWithoutCommit(staged, jobEnds, domain, before);
        } finally {
            jobEnds.release();
            staged.close(); // at most a second close: nothing left to do
        }
        Await.until(() -> !backupJobRunning(domain), LIMIT, "no backup job left");
        assertEquals(before, fx.libvirt().checkpoints(domain.name), "the uncommitted point's checkpoint removed");
    }

    private void closeWithoutCommit(StagedBackup staged, HeldExecutor jobEnds, TestDomain domain, List<String> before)
            throws Exception {
        staged.quiesceAndBegin();
        staged.read(JobProgress.NONE);
        // no commit (as when it fails): the clean-up waits for the held job end, then removes the new checkpoint
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closing = Thread.ofPlatform().name("closing").start(() -> {
            try {
                staged.close();
                closed.complete(null);
            } catch (IOException | RuntimeException e) {
                closed.completeExceptionally(e);
            }
        });
        Await.until(() -> parked(closing) || !closing.isAlive(), LIMIT, "the clean-up parks or ends");
        assertFalse(closed.isDone(), "the clean-up waits for the job's end");
        assertEquals(before.size() + 1, fx.libvirt().checkpoints(domain.name).size(), "the new checkpoint is kept meanwhile");
        jobEnds.release();
        closed.get();
    }

    /** Whether {@code thread} waits, parked (a join on the job's end; a libvirt call runs in native code). */
    private static boolean parked(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING && java.util.Arrays.stream(thread.getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("awaitJobEnd"));
    }

    /** Job stats fail with "backup job data missing" while libvirt starts or ends a backup: asked again, then. */
    private boolean backupJobRunning(TestDomain domain) throws InterruptedException {
        return Await.value(() -> {
            try {
                return java.util.Optional.of(fx.libvirt().job(domain.name).map(j -> j.isBackup()).orElse(false));
            } catch (IOException startingOrEnding) {
                return java.util.Optional.empty();
            }
        }, LIMIT, "the domain's job");
    }
}
