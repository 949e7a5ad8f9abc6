package coffer.engine.catalog;

import java.util.List;

/**
 * Which plans {@link Plans#page} returns, by name: null fields match every plan. {@code instanceIds}: the plans of
 * these instances (empty: none); {@code policyId}: bound to that policy; {@code state}; after {@code after}, at most
 * {@code limit}. Immutable.
 */
public record PlanQuery(List<String> instanceIds, String policyId, Plan.State state, NameCursor after, int limit) {
    public PlanQuery {
        instanceIds = instanceIds == null ? null : List.copyOf(instanceIds);
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one plan, got limit " + limit);
        }
    }

    /** The same query for the page after {@code cursor}. */
    public PlanQuery after(NameCursor cursor) {
        return new PlanQuery(instanceIds, policyId, state, cursor, limit);
    }
}
