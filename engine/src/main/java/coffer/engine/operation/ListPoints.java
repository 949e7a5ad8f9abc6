package coffer.engine.operation;

/** Points, newest first; only those of {@code instance} (UUID or name) when given. */
public record ListPoints(String instance) implements Operation<PointList> {}
