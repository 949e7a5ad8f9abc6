package coffer.engine.job.handler;

/**
 * Fields of a backup job's parameters that a plan's run sets (the API never does): the plan, its policy and
 * whether that policy is immutable. The backup writes them into the point's manifest
 * ({@code plan.id}, {@code policy.id}, {@code policy.immutable}), so a catalog rebuilt from the vault restores
 * the point as the policy's, immutable when it was.
 */
public final class PlanPointFields {
    public static final String PLAN_ID = "planId";
    public static final String POLICY_ID = "policyId";
    public static final String POLICY_IMMUTABLE = "policyImmutable";

    private PlanPointFields() {
    }
}
