package coffer.engine.operation;

import coffer.engine.catalog.DrillRun;

import java.time.Instant;

/**
 * A restore drill's outcome: which point of which instance, passed or failed in {@code failedPhase} (RESTORE, BOOT,
 * CHECK, CLEANUP) with the {@code reason}, the timings in milliseconds (null for phases not reached), and the check
 * command's exit status and the start of its output (null without a check).
 */
public record DrillResult(String id, String instance, String point, String vault, Instant startedAt, Instant finishedAt,
                          boolean passed, DrillRun.Phase failedPhase, String reason, Long restoreMillis,
                          Long bootToAgentMillis, Long checkMillis, Integer checkExit, String checkOutput, String job) {
    public static DrillResult of(DrillRun r) {
        return new DrillResult(r.id(), r.instanceId(), r.pointId(), r.vault(), r.startedAt(), r.finishedAt(), r.passed(),
                r.failedPhase(), r.reason(), r.restore() == null ? null : r.restore().toMillis(),
                r.bootToAgent() == null ? null : r.bootToAgent().toMillis(), r.check() == null ? null : r.check().toMillis(),
                r.checkExit(), r.checkOutput(), r.jobId());
    }
}
