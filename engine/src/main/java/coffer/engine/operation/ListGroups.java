package coffer.engine.operation;

/** The consistency groups, by name. */
public record ListGroups() implements Operation<GroupList> {}
