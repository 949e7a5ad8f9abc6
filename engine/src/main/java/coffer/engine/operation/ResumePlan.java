package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Resume a plan from its next slot after now (missed runs are not caught up). */
public record ResumePlan(String plan) implements Operation<PlanView> {
    public ResumePlan {
        Problems problems = new Problems();
        Rules.required(problems, "plan", plan, "the plan (id or name)");
        problems.throwIfAny("resume plan request");
    }
}
