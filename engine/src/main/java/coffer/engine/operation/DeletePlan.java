package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Delete a plan; its points are kept, pinned to the expiry their rules gave them. */
public record DeletePlan(String plan) implements Operation<Deleted> {
    public DeletePlan {
        Problems problems = new Problems();
        Rules.required(problems, "plan", plan, "the plan (id or name)");
        problems.throwIfAny("delete plan request");
    }
}
