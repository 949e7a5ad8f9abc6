package coffer.cli;

import coffer.engine.operation.ReplicateResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code coffer point replicate} (and {@code job show} of a replication) says what the replica took from the
 * destination's earlier replica; a first replica has none, which it printed as "0 taken from replica null"
 * (docs/reliability.md, session 20).
 */
class ReplicateResultTextTest {
    @Test
    void aFirstReplicaSaysItIsAFullOne() {
        ReplicateResult first = new ReplicateResult("20261207-053024-21abc66c", "20261207-053031-0a1b2c3d", "east", "s3",
                null, 16_778_880, 32, 0, 16_777_216, 67_108_864, false, 1.25);
        assertEquals(List.of("Replicated point 20261207-053024-21abc66c to vault s3 of region east as replica"
                + " 20261207-053031-0a1b2c3d: 32 chunk(s) copied (16.0 MiB), a full replica (no earlier replica in the"
                + " destination), 1.3 s"), Render.lines(first));
    }

    @Test
    void aLaterReplicaNamesTheReplicaItTookChunksFrom() {
        ReplicateResult later = new ReplicateResult("20261207-063024-21abc66c", "20261207-063031-4e5f6a7b", "east", "s3",
                "20261207-053031-0a1b2c3d", 65_536, 1, 127, 65_536, 67_108_864, false, 0.25);
        assertEquals(List.of("Replicated point 20261207-063024-21abc66c to vault s3 of region east as replica"
                + " 20261207-063031-4e5f6a7b: 1 chunk(s) copied (64.0 KiB), 127 taken from replica 20261207-053031-0a1b2c3d,"
                + " 0.3 s"), Render.lines(later));
    }
}
