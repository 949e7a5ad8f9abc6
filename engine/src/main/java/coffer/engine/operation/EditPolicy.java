package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Change a policy: the fields the document gives replace the policy's, the others stay (within
 * {@code retention}, {@code replication} and {@code archive} too). The plans bound to it restart their schedule
 * from the edit. A replication key, once assigned, cannot be changed (the request body is the document).
 */
public record EditPolicy(String policy, PolicyDocument document) implements Operation<PolicyView> {
    public EditPolicy {
        Problems problems = new Problems();
        Rules.required(problems, "policy", policy, "the policy (id or name)");
        problems.throwIfAny("policy edit");
        document = document == null ? PolicyDocument.EMPTY : document;
    }
}
