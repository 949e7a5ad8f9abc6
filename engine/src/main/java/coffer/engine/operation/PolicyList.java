package coffer.engine.operation;

import java.util.List;

/** Policies, by name. {@code count} is the list's length. */
public record PolicyList(List<PolicyView> policies, int count, String nextCursor) {
    public PolicyList {
        policies = List.copyOf(policies);
    }

    public static PolicyList of(List<PolicyView> policies) {
        return new PolicyList(policies, policies.size(), null);
    }

    /** One page of a paged list: {@code nextCursor} asks for the next page, null on the last. */
    public static PolicyList of(List<PolicyView> policies, String nextCursor) {
        return new PolicyList(policies, policies.size(), nextCursor);
    }
}
