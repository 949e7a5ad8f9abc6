package coffer.engine.operation;

import coffer.engine.catalog.VerifyRun;
import coffer.engine.job.JobType;

/**
 * Verify a vault on the server (docs/design/assurance.md): {@code FULL} reads every chunk its points reference,
 * {@code SAMPLED} the next slice of its rotation; with {@code quarantine} damaged chunks are moved aside (as
 * {@code coffer vault verify --quarantine}). One verify of a vault runs at a time; it takes no lock, so backups run
 * beside it.
 *
 * @param vault      the server's vault (default: the default vault)
 * @param kind       FULL (default) or SAMPLED
 * @param quarantine move damaged chunks to {@code damaged/} (default: false)
 */
public record VerifyVault(String vault, VerifyRun.Kind kind, Boolean quarantine) implements JobOperation<VerifyResult> {
    public VerifyVault {
        kind = kind == null ? VerifyRun.Kind.FULL : kind;
        quarantine = Rules.flag(quarantine);
    }

    public VerifyVault resolved(String vaultName) {
        return new VerifyVault(vaultName, kind, quarantine);
    }

    @Override
    public JobType type() {
        return JobType.verify;
    }

    @Override
    public String target() {
        return vault;
    }
}
