package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

import java.time.Duration;

/**
 * Mount one disk of a point into a running instance: the point's disk is served read-only over NBD from the vault and
 * hot-plugged into {@code instance} as a read-only virtio disk, until it expires ({@code expires}: a lifetime such as
 * {@code 12h}; default {@link #DEFAULT_LIFETIME}), is unmounted, or the server stops. The job runs for as long as the
 * mount lasts (docs/design/live-access.md).
 *
 * @param point    the point: id, unique id prefix, or instance name (its newest point)
 * @param disk     the point's disk, e.g. {@code vdb}
 * @param instance the running instance to mount it into: name or UUID
 * @param expires  how long the mount stays: {@code 90s}, {@code 30min}, {@code 12h}, {@code 7d} or ISO-8601; null: one day
 */
public record MountDisk(String point, String disk, String instance, String expires) implements JobOperation<MountResult> {
    /** A mount's lifetime when none is given: one day (the documents Coffer follows set no limit). */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(1);
    /** The longest lifetime one may ask for. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);

    public MountDisk {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.required(problems, "instance", instance, "the instance to mount into");
        Rules.targets(problems, "disk", java.util.Collections.singletonList(disk));
        Rules.lifetime(problems, "expires", expires, MAX_LIFETIME);
        problems.throwIfAny("mount request");
    }

    /** How long the mount stays. */
    public Duration lifetime() {
        Duration given = Rules.lifetime(new Problems(), "expires", expires, MAX_LIFETIME);
        return given == null ? DEFAULT_LIFETIME : given;
    }

    public MountDisk resolved(String pointId, String instanceId) {
        return new MountDisk(pointId, disk, instanceId, expires);
    }

    @Override
    public JobType type() {
        return JobType.mount;
    }

    @Override
    public String target() {
        return point;
    }
}
