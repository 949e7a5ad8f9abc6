package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Rename a plan, or bind its instance to another policy (the plan restarts its schedule from now). */
public record EditPlan(String plan, String name, String policy) implements Operation<PlanView> {
    public EditPlan {
        Problems problems = new Problems();
        Rules.required(problems, "plan", plan, "the plan (id or name)");
        Rules.name(problems, "name", name, "");
        problems.throwIfAny("plan edit");
    }
}
