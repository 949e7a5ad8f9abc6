package coffer.engine.operation;

import java.util.Objects;

/** Create a policy from its document (the request body is the document), checked whole: every problem at once. */
public record CreatePolicy(PolicyDocument document) implements Operation<PolicyView> {
    public CreatePolicy {
        Objects.requireNonNull(document, "document");
        document.toPolicy();
    }
}
