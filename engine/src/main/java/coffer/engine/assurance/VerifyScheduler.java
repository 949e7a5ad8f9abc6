package coffer.engine.assurance;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Host;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.VerifyVault;
import coffer.engine.vault.VaultDirectory;
import coffer.engine.verify.VerifySchedule;
import coffer.engine.verify.VerifySettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server's verify schedule (docs/design/assurance.md): on each {@link #tick}, for the vaults in name order,
 * {@link VerifySchedule#decide} on the vault's last runs in the catalog and its verify jobs, and the first due run queued
 * as a verify job (the same {@link VerifyVault} record a person's request makes). One scheduled verify at a time, over
 * all vaults: while any verify job is queued or running none is queued, so verifies never take more than one of the job
 * workers that backups need (a verify takes no place in its host's job limit, but a worker thread). A vault whose last verify job failed
 * or was cancelled gets no new one for {@link #RETRY_AFTER} (a failed run is not recorded, so the schedule would
 * otherwise ask again at once). The state is the catalog's: several servers on one catalog queue a run once per
 * vault (a second submit finds the first queued). Thread-safe.
 */
public final class VerifyScheduler {
    /** Pause after a verify job of the vault failed or was cancelled. */
    public static final Duration RETRY_AFTER = Duration.ofHours(1);

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final VerifySettings settings;
    private final boolean quarantine;
    private final Clock clock;

    public VerifyScheduler(Catalog catalog, VaultDirectory vaults, VerifySettings settings, boolean quarantine, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.settings = settings;
        this.quarantine = quarantine;
        this.clock = clock;
    }

    /** Queues the verify jobs due now; returns them. */
    public synchronized List<Job> tick() {
        Instant now = clock.instant();
        List<Job> queued = new ArrayList<>();
        List<Host> hosts = catalog.hosts().list();
        if (hosts.isEmpty()) {
            return queued;
        }
        if (anyVerifyQueuedOrRunning()) {
            return queued; // one scheduled verify at a time: the others wait their turn, workers stay free for backups
        }
        for (String vault : vaults.names().stream().sorted().toList()) {
            VerifySchedule.State state = new VerifySchedule.State(catalog.verifyRuns().latest(vault, VerifyRun.Kind.FULL),
                    catalog.verifyRuns().latest(vault, VerifyRun.Kind.SAMPLED), busy(vault, now));
            if (VerifySchedule.decide(settings, state, now) instanceof VerifySchedule.Decision.Run(VerifyRun.Kind kind)) {
                queued.add(catalog.jobs().submit(new VerifyVault(vault, kind, quarantine), hosts.getFirst().id()));
                return queued;
            }
        }
        return queued;
    }

    private boolean anyVerifyQueuedOrRunning() {
        return !catalog.jobs().list(new Jobs.Filter(JobState.queued, JobType.verify, null, 1)).isEmpty()
                || !catalog.jobs().list(new Jobs.Filter(JobState.running, JobType.verify, null, 1)).isEmpty();
    }

    /** A verify of the vault is queued or running, or the last one failed or was cancelled less than the pause ago. */
    private boolean busy(String vault, Instant now) {
        Optional<Job> last = catalog.jobs().list(new Jobs.Filter(null, JobType.verify, vault, 1)).stream().findFirst();
        if (last.isEmpty()) {
            return false;
        }
        Job job = last.get();
        if (!job.state().isFinal()) {
            return true;
        }
        return job.state() != JobState.succeeded && job.finishedAt() != null
                && job.finishedAt().plus(RETRY_AFTER).isAfter(now);
    }
}
