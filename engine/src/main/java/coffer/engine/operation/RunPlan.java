package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Run a plan now: one backup job; its schedule is unchanged. */
public record RunPlan(String plan) implements Operation<JobView> {
    public RunPlan {
        Problems problems = new Problems();
        Rules.required(problems, "plan", plan, "the plan (id or name)");
        problems.throwIfAny("run plan request");
    }
}
