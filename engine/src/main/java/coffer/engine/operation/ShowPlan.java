package coffer.engine.operation;

import coffer.engine.error.Problems;

/** One plan, by id or name. */
public record ShowPlan(String plan) implements Operation<PlanView> {
    public ShowPlan {
        Problems problems = new Problems();
        Rules.required(problems, "plan", plan, "the plan (id or name)");
        problems.throwIfAny("show plan request");
    }
}
