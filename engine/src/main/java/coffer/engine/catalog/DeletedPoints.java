package coffer.engine.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * The points Coffer deleted through this catalog (V28): a point of that id found in a vault again was put back by
 * someone with the storage (docs/design/security.md, "Rollback and replay"), and is not adopted again unless an operator
 * says so. Implementations MUST be thread-safe.
 */
public interface DeletedPoints {
    /** One deleted point: when and how it was deleted, and when an operator re-adopted it (null: not re-adopted). */
    record Deleted(String id, String vault, Instant deletedAt, String how, Instant readoptedAt, String readoptedNote) {
        /** Whether the catalog must refuse to adopt the point again: deleted, and not re-adopted since. */
        public boolean refused() {
            return readoptedAt == null;
        }
    }

    /** Records that point {@code id} of {@code vault} was deleted at {@code at} ({@code how}: by retention, by a person). */
    void record(String id, String vault, Instant at, String how);

    Optional<Deleted> find(String id);

    /**
     * Records an operator's decision to adopt deleted point {@code id} again ({@code note}: who and why); false when the
     * catalog has not deleted such a point.
     */
    boolean readopt(String id, Instant at, String note);
}
