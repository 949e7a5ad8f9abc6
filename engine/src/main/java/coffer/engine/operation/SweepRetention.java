package coffer.engine.operation;

/** Delete every expired point now. */
public record SweepRetention() implements Operation<SweepResult> {}
