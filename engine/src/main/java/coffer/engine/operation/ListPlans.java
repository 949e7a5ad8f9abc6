package coffer.engine.operation;

/** The protection plans. */
public record ListPlans() implements Operation<PlanList> {}
