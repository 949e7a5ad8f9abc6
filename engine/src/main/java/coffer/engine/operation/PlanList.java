package coffer.engine.operation;

import java.util.List;

/** Plans. {@code count} is the list's length. */
public record PlanList(List<PlanView> plans, int count) {
    public PlanList {
        plans = List.copyOf(plans);
    }

    public static PlanList of(List<PlanView> plans) {
        return new PlanList(plans, plans.size());
    }
}
