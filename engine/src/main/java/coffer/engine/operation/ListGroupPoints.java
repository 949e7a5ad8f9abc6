package coffer.engine.operation;

/** Group points, oldest first: of {@code group} (id or name), or of every group when null. */
public record ListGroupPoints(String group) implements Operation<GroupPointList> {}
