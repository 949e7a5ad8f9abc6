package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Delete a policy that no plan uses. */
public record DeletePolicy(String policy) implements Operation<Deleted> {
    public DeletePolicy {
        Problems problems = new Problems();
        Rules.required(problems, "policy", policy, "the policy (id or name)");
        problems.throwIfAny("delete policy request");
    }
}
