package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Suspend a plan: due runs are skipped (PlanSuspended). */
public record SuspendPlan(String plan) implements Operation<PlanView> {
    public SuspendPlan {
        Problems problems = new Problems();
        Rules.required(problems, "plan", plan, "the plan (id or name)");
        problems.throwIfAny("suspend plan request");
    }
}
