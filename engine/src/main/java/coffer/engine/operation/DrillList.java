package coffer.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * Restore drills by instance: each instance's drills (newest first) and when its newest point, and any point of it,
 * was last proven bootable; one page of instances by name. {@code count} is the number of instances on the page;
 * {@code nextCursor} asks for the next page (null: the last).
 */
public record DrillList(List<InstanceDrills> instances, int count, String nextCursor) {
    /** One instance's drills; {@code provenBootableAt}: its last passed drill finished (null: never). */
    public record InstanceDrills(String instance, String instanceName, Instant provenBootableAt, String provenPoint,
                                 List<DrillResult> drills) {
        public InstanceDrills {
            drills = List.copyOf(drills);
        }
    }

    public DrillList {
        instances = List.copyOf(instances);
    }

    public static DrillList of(List<InstanceDrills> instances, String nextCursor) {
        return new DrillList(instances, instances.size(), nextCursor);
    }
}
