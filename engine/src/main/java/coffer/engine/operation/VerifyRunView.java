package coffer.engine.operation;

import coffer.engine.catalog.VerifyRun;

import java.time.Instant;
import java.util.List;

/**
 * A finished verify run of a vault: its kind and slice ({@code slice} of {@code slices}; a full run 0 of 1), when,
 * what it checked, the damaged ranges and the points they belong to, how many damaged chunks it quarantined (and
 * why not, {@code quarantineNote}), and its job.
 */
public record VerifyRunView(String id, String vault, VerifyRun.Kind kind, int slice, int slices, Instant startedAt,
                            Instant finishedAt, int points, long chunksChecked, long bytesChecked, int damagedRanges,
                            List<String> pointsAffected, int quarantined, String quarantineNote, String job) {
    public VerifyRunView {
        pointsAffected = List.copyOf(pointsAffected);
    }

    public static VerifyRunView of(VerifyRun r) {
        return new VerifyRunView(r.id(), r.vault(), r.kind(), r.slice(), r.slices(), r.startedAt(), r.finishedAt(),
                r.points(), r.chunksChecked(), r.bytesChecked(), r.damagedRanges(), r.pointsAffected(), r.quarantined(),
                r.quarantineNote(), r.jobId());
    }
}
