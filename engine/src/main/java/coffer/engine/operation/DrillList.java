package coffer.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * Restore drills by instance: each instance's drills (newest first) and when its newest point, and any point of it,
 * was last proven bootable. {@code count} is the number of instances.
 */
public record DrillList(List<InstanceDrills> instances, int count) {
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

    public static DrillList of(List<InstanceDrills> instances) {
        return new DrillList(instances, instances.size());
    }
}
