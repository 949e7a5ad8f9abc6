package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.MountRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobState;
import coffer.engine.operation.UnmountDisk;
import coffer.engine.operation.UnmountResult;

import java.time.Duration;

/**
 * Unmounts: cancels the mount's job, whose handler detaches the disk and ends the mount, and waits for that end (at
 * most the guest's detach time and a little more). A mount whose job is no longer running (its server died and no
 * start has cleaned up yet) is taken out here, as a start would ({@link StaleMounts}); on a host an agent serves only
 * its row is ended, the agent's next start detaches the disk. The mount of an agent's job is ended by the agent: the
 * cancel reaches it in its heartbeat's answer, and the row's end comes back with the job's end (docs/design/agents.md,
 * "A mount on the agent"). Stateless; thread-safe.
 */
final class UnmountHandler implements JobHandler<UnmountDisk, UnmountResult> {
    private static final Duration POLL = Duration.ofMillis(250);

    private final Catalog catalog;
    private final StaleMounts stale;

    UnmountHandler(Catalog catalog, StaleMounts stale) {
        this.catalog = catalog;
        this.stale = stale;
    }

    @Override
    public UnmountResult run(UnmountDisk unmount, Job job, JobContext context) throws InterruptedException {
        MountRecord mount = Lookup.activeMount(catalog, unmount.mount());
        Job serving = catalog.jobs().find(mount.id()).orElse(null);
        if (serving != null && !serving.state().isFinal()) {
            context.info("asking mount " + mount.id() + " to detach " + mount.target());
            catalog.jobs().cancel(mount.id());
        } else {
            context.info("mount " + mount.id() + " has no running job; taking it out here");
            stale.detachAll();
        }
        long deadline = System.nanoTime() + MountHandler.DETACH_WAIT.plusSeconds(30).toNanos();
        while (true) {
            MountRecord now = catalog.mounts().find(mount.id()).orElseThrow();
            if (!now.active()) {
                if (now.endReason() == MountRecord.EndReason.FAILED) {
                    throw new CofferException(ErrorCode.HypervisorFailure, "mount " + mount.id() + ": " + now.note());
                }
                context.info("mount " + mount.id() + " ended: " + now.endReason());
                return new UnmountResult(mount.id(), Lookup.liveInstanceName(catalog, mount.instanceId()), now.target(),
                        now.endedAt());
            }
            if (System.nanoTime() > deadline) {
                JobState state = catalog.jobs().find(mount.id()).map(Job::state).orElse(null);
                throw new CofferException(ErrorCode.HypervisorFailure, "mount " + mount.id() + " has not ended "
                        + MountHandler.DETACH_WAIT.plusSeconds(30).toSeconds() + " s after it was asked to (its job is "
                        + state + ")");
            }
            Thread.sleep(POLL);
        }
    }
}
