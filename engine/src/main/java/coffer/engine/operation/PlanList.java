package coffer.engine.operation;

import java.util.List;

/** Plans, by name. {@code count} is the page's length; {@code nextCursor} asks for the next page, null on the last. */
public record PlanList(List<PlanView> plans, int count, String nextCursor) {
    public PlanList {
        plans = List.copyOf(plans);
    }

    public static PlanList of(List<PlanView> plans) {
        return new PlanList(plans, plans.size(), null);
    }

    public static PlanList of(List<PlanView> plans, String nextCursor) {
        return new PlanList(plans, plans.size(), nextCursor);
    }
}
