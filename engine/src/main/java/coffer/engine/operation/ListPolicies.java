package coffer.engine.operation;

/** The policies, by name. */
public record ListPolicies() implements Operation<PolicyList> {}
