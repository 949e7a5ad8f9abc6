package coffer.engine.operation;

import java.util.List;

/**
 * One page of instances with their plans and newest points ({@link ListInstanceOverviews}). {@code count} is the
 * page's length; {@code nextCursor} asks for the next page, null on the last.
 */
public record InstanceOverviewList(List<Overview> instances, int count, String nextCursor) {
    public InstanceOverviewList {
        instances = List.copyOf(instances);
    }

    public static InstanceOverviewList of(List<Overview> instances, String nextCursor) {
        return new InstanceOverviewList(instances, instances.size(), nextCursor);
    }

    /** One instance, its plans (by name) and its newest point ({@code last}, null: none). */
    public record Overview(InstanceView instance, List<PlanView> plans, PointView last) {
        public Overview {
            plans = List.copyOf(plans);
        }
    }
}
