package coffer.engine;

import coffer.vault.io.Progress;

/**
 * Progress of a long operation (backup, restore, clone): the total once it is known, then bytes done.
 * Implementations are called from worker threads and MUST be thread-safe and cheap (the CLI's progress
 * bar; later the job rows of the server).
 */
public interface JobProgress extends Progress {
    JobProgress NONE = new JobProgress() {
        @Override
        public void starting(long totalBytes) {
        }

        @Override
        public void advance(long bytes) {
        }
    };

    /** The logical bytes the operation will cover; may be called again when a better total is known. */
    void starting(long totalBytes);

    /**
     * A step of the operation finished or begun, as one line ("point … searched (2 of 3)"): the CLI prints it on stderr
     * offline; through a server the same lines are the job's log. Ignored by default.
     */
    default void note(String line) {
    }
}
