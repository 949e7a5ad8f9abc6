package coffer.engine.job.handler;

import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.VerifyResult;
import coffer.engine.operation.VerifyVault;
import coffer.engine.verify.VaultVerification;
import coffer.vault.ChunkWorkers;
import coffer.vault.maintenance.Damage;

import java.time.Duration;

/**
 * A verify of a vault (the job's target: the vault's name), full or the next sampled slice, through
 * {@link VaultVerification}: no lock while it reads, so backups run beside it; damage is logged per range and
 * quarantined when asked (waiting at most {@link #QUARANTINE_WAIT} for running backups). Stateless; thread-safe.
 */
final class VerifyHandler implements JobHandler<VerifyVault, VerifyResult> {
    /** How long quarantine waits for running backups before it leaves the chunks to the next run. */
    static final Duration QUARANTINE_WAIT = Duration.ofSeconds(30);
    /** Damaged ranges written to the job's log one by one; the rest are counted (all are in the result). */
    private static final int LOGGED = 20;

    private final VaultVerification verification;

    VerifyHandler(VaultVerification verification) {
        this.verification = verification;
    }

    static int threads() {
        return Math.max(1, ChunkWorkers.defaultThreads() / 2); // leave the other half to backups running beside it
    }

    @Override
    public VerifyResult run(VerifyVault verify, Job job, JobContext context) {
        context.info((verify.kind() == coffer.engine.catalog.VerifyRun.Kind.FULL ? "full" : "sampled") + " verify of vault "
                + verify.vault() + (verify.quarantine() ? ", damaged chunks quarantined" : ""));
        VaultVerification.Result result = verification.run(new VaultVerification.Request(verify.vault(), verify.kind(),
                verify.quarantine(), QUARANTINE_WAIT, job.id()), context.progress());
        var run = result.run();
        context.info("checked " + run.points() + " point(s), " + run.chunksChecked() + " chunk(s), " + run.bytesChecked()
                + " bytes" + (run.kind() == coffer.engine.catalog.VerifyRun.Kind.SAMPLED
                ? " (slice " + (run.slice() + 1) + " of " + run.slices() + ")" : ""));
        int logged = 0;
        for (Damage d : result.damage()) {
            if (logged++ < LOGGED) {
                context.warning("DAMAGED point " + d.pointId() + " disk " + d.disk() + " bytes " + d.offset() + "-"
                        + (d.offset() + d.length() - 1) + " (" + d.object() + "): " + d.problem());
            }
        }
        if (!result.damage().isEmpty()) {
            context.warning(result.damage().size() + " damaged range(s) in " + run.pointsAffected().size() + " point(s)"
                    + (run.quarantined() > 0 ? "; " + run.quarantined() + " chunk(s) quarantined" : "")
                    + (run.quarantineNote() != null ? "; " + run.quarantineNote() : ""));
        }
        return VerifyResult.of(run, result.damage());
    }
}
