package coffer.engine.operation;

/** The policies, by name. */
public record ListPolicies(String region) implements Operation<PolicyList> {
    public ListPolicies {
        coffer.engine.error.Problems problems = new coffer.engine.error.Problems();
        Rules.name(problems, "region", region, "a region: ");
        problems.throwIfAny("policy list request");
    }
}
