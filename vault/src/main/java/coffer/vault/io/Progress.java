package coffer.vault.io;

/**
 * Receives the count of logical bytes finished as long work proceeds. Called from worker threads:
 * implementations MUST be thread-safe and cheap.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = bytes -> {
    };

    void advance(long bytes);
}
