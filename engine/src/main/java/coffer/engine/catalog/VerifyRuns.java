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

    /**
     * One page of the runs of {@code vault} (null: every vault) newest first (by finish, then id) after {@code after}
     * (null: the first page), at most {@code limit}.
     */
    Page<VerifyRun> page(String vault, PageCursor after, int limit);
}
