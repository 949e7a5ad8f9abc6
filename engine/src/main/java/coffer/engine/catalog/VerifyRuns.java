package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** Finished verify runs of the vaults (V6). Implementations MUST be thread-safe. */
public interface VerifyRuns {
    void record(VerifyRun run);

    /** The vault's run of {@code kind} that finished last. */
    Optional<VerifyRun> latest(String vault, VerifyRun.Kind kind);

    /** The vault's runs, newest first, at most {@code limit}. */
    List<VerifyRun> recent(String vault, int limit);
}
