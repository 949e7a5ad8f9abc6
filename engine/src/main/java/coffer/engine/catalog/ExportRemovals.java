package coffer.engine.catalog;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Exports removed on request before their expiry (V17). Implementations MUST be thread-safe. */
public interface ExportRemovals {
    /** Records that export {@code id} was removed; false when it had been removed already (the first removal stands). */
    boolean removed(String id, Instant at, String note);

    /** When export {@code id} was removed, if it was. */
    Optional<Instant> find(String id);

    /** The removal times of those of {@code ids} that were removed. */
    Map<String, Instant> among(Collection<String> ids);
}
