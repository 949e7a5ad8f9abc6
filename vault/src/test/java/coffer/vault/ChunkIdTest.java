package coffer.vault;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkIdTest {
    /** A record of the same components: its implicit hash is what ChunkId's written-out one must keep. */
    private record Implicit(long a, long b, long c, long d) {
    }

    @Test
    void hashesAsTheImplicitRecordHashDid() {
        Random random = new Random(18);
        for (int i = 0; i < 1_000; i++) {
            long a = random.nextLong(), b = random.nextLong(), c = random.nextLong(), d = random.nextLong();
            assertEquals(new Implicit(a, b, c, d).hashCode(), new ChunkId(a, b, c, d).hashCode());
        }
        assertEquals(new Implicit(0, 0, 0, 0).hashCode(), ChunkId.ZERO.hashCode());
    }

    @Test
    void equalWhenEveryComponentIs() {
        ChunkId id = new ChunkId(1, 2, 3, 4);
        assertEquals(id, new ChunkId(1, 2, 3, 4));
        assertNotEquals(id, new ChunkId(0, 2, 3, 4));
        assertNotEquals(id, new ChunkId(1, 0, 3, 4));
        assertNotEquals(id, new ChunkId(1, 2, 0, 4));
        assertNotEquals(id, new ChunkId(1, 2, 3, 0));
        assertFalse(id.equals(null));
        assertFalse(id.equals(new Implicit(1, 2, 3, 4)));
        Set<ChunkId> set = new HashSet<>(Set.of(id, ChunkId.ZERO));
        assertTrue(set.contains(ChunkId.ofHex(id.hex())));
    }
}
