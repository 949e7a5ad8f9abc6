package coffer.engine.operation;

import coffer.engine.error.Problems;

/** One policy, by id or name. */
public record ShowPolicy(String policy) implements Operation<PolicyView> {
    public ShowPolicy {
        Problems problems = new Problems();
        Rules.required(problems, "policy", policy, "the policy (id or name)");
        problems.throwIfAny("show policy request");
    }
}
