package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The catalog's row of a finished verify run of a vault (docs/design/assurance.md): which objects it read (all, or
 * slice {@code slice} of a rotation of {@code slices}), what it checked, the damage it found (ranges and the points
 * affected) and how many damaged chunks it moved to quarantine ({@code quarantineNote}: why damaged chunks stayed
 * where they were, else null). Immutable.
 */
public record VerifyRun(String id, String vault, Kind kind, int slice, int slices, Instant startedAt,
                        Instant finishedAt, int points, long chunksChecked, long bytesChecked, int damagedRanges,
                        List<String> pointsAffected, int quarantined, String quarantineNote, String jobId) {
    /** A full verify reads every object; a sampled one a slice of them. */
    public enum Kind { FULL, SAMPLED }

    public VerifyRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vault, "vault");
        Objects.requireNonNull(kind, "kind");
        pointsAffected = List.copyOf(pointsAffected);
        if (slices < 1 || slice < 0 || slice >= slices || kind == Kind.FULL && slices != 1) {
            throw new IllegalArgumentException("verify run " + id + ": slice " + slice + " of " + slices + " for a "
                    + kind + " run");
        }
    }

    public boolean clean() {
        return damagedRanges == 0;
    }
}
