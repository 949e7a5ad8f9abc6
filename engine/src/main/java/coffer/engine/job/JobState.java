package coffer.engine.job;

/** The life of a job; the last three are final. */
public enum JobState {
    queued, running, succeeded, failed, cancelled;

    public boolean isFinal() {
        return this == succeeded || this == failed || this == cancelled;
    }
}
