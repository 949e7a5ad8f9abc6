package coffer.engine.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * The holds the catalog set in the vaults (V28): for each point, the latest time a hold object was written to keep it
 * until. A vault's hold that ends before it was put back from an earlier version, or removed, by someone with the
 * storage (docs/design/security.md, "Rollback and replay"). Implementations MUST be thread-safe.
 */
public interface PointHolds {
    /** Records that point {@code id} of {@code vault} was held until {@code until}; an earlier time never replaces a later one. */
    void record(String id, String vault, Instant until);

    /** Until when the catalog held point {@code id} in its vault, if it ever did. */
    Optional<Instant> find(String id);
}
