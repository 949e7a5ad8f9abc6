package coffer.engine.catalog;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A restore drill's outcome (docs/design/assurance.md): point {@code pointId} of instance {@code instanceId} restored
 * as a throwaway isolated copy, booted to its guest agent, optionally checked by a command, and destroyed. Passed, or
 * failed in {@code failedPhase} with the {@code reason}. Timings are null for phases not reached; {@code checkExit}
 * and {@code checkOutput} (its start) are null without a check command. Times and timings are kept to the millisecond
 * (as the catalog stores them). Immutable.
 */
public record DrillRun(String id, String instanceId, String pointId, String vault, Instant startedAt,
                       Instant finishedAt, boolean passed, Phase failedPhase, String reason, Duration restore,
                       Duration bootToAgent, Duration check, Integer checkExit, String checkOutput, String jobId) {
    private static Duration millis(Duration d) {
        return d == null ? null : d.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The steps of a drill, in order; a failed drill names the one that failed. */
    public enum Phase { RESTORE, BOOT, CHECK, CLEANUP }

    public DrillRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(pointId, "pointId");
        if (passed != (failedPhase == null)) {
            throw new IllegalArgumentException("drill " + id + ": a failed drill names its failed phase, a passed one none");
        }
        if (!passed && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("drill " + id + ": a failed drill needs its reason");
        }
        startedAt = millis(startedAt);
        finishedAt = millis(finishedAt);
        restore = millis(restore);
        bootToAgent = millis(bootToAgent);
        check = millis(check);
    }
}
