package coffer.vault.maintenance;

import coffer.vault.ChunkId;

/**
 * Which stored objects (chunks and chunk patches) one verify run reads: all of them, or one slice of a
 * deterministic rotation. An object belongs to slice {@code id mod slices} (its id's first 64 bits, unsigned);
 * ids are digests (SHA-256 or HMAC-SHA-256), so the slices are of about equal size and an object never changes
 * slice. Runs that take slices {@code r, r+1, …, r+slices-1} (mod {@code slices}) therefore read every object
 * that existed throughout them exactly once: the guarantee a sampled verify rests on (docs/design/assurance.md).
 *
 * <p>Immutable; thread-safe.
 *
 * @param slice  the slice read, {@code 0 <= slice < slices}
 * @param slices how many slices the objects are cut into; 1 reads everything
 */
public record ChunkSample(int slice, int slices) {
    private static final ChunkSample ALL = new ChunkSample(0, 1);

    public ChunkSample {
        if (slices < 1 || slice < 0 || slice >= slices) {
            throw new IllegalArgumentException("slice " + slice + " of " + slices + ": need 0 <= slice < slices");
        }
    }

    /** Every object: a full verify. */
    public static ChunkSample all() {
        return ALL;
    }

    /** The slice a run with sequence number {@code run} (0, 1, 2, …) of a rotation of {@code slices} reads. */
    public static ChunkSample ofRun(long run, int slices) {
        if (run < 0) {
            throw new IllegalArgumentException("run number " + run + " is negative");
        }
        return new ChunkSample((int) (run % slices), slices);
    }

    public boolean full() {
        return slices == 1;
    }

    public boolean contains(ChunkId id) {
        return slices == 1 || Long.remainderUnsigned(id.a(), slices) == slice;
    }

    @Override
    public String toString() {
        return full() ? "all chunks" : "slice " + (slice + 1) + " of " + slices;
    }
}
