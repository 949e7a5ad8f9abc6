package coffer.engine.operation;

import java.util.List;

/** Policies, by name. {@code count} is the list's length. */
public record PolicyList(List<PolicyView> policies, int count) {
    public PolicyList {
        policies = List.copyOf(policies);
    }

    public static PolicyList of(List<PolicyView> policies) {
        return new PolicyList(policies, policies.size());
    }
}
