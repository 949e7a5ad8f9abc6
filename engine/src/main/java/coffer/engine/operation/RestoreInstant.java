package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Instant restore: the point as the new instance {@code name}, started at once on qcow2 overlays whose backing is the
 * point served over NBD, its data copied into the overlays while it runs (docs/design/live-access.md). The job ends
 * when the instance runs from local files only; cancelled or failed before, the instance is removed.
 *
 * @param point          the point: id, unique id prefix, or instance name (its newest point)
 * @param name           the new instance's name
 * @param dir            directory for the overlays (default: beside the original disks); through a server it must be
 *                       one of its restore directories
 * @param bytesPerSecond the copy's speed limit per disk (null or 0: none)
 */
public record RestoreInstant(String point, String name, String dir, Long bytesPerSecond)
        implements JobOperation<InstantRestoreResult> {
    public RestoreInstant {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.required(problems, "name", name, "the new instance's name");
        Rules.name(problems, "name", name, "");
        if (dir != null && !java.nio.file.Path.of(dir).isAbsolute()) {
            problems.add("dir", "an absolute directory, got '" + dir + "'");
        }
        if (bytesPerSecond != null && bytesPerSecond < 0) {
            problems.add("bytesPerSecond", "0 (no limit) or more, got " + bytesPerSecond);
        }
        problems.throwIfAny("instant restore request");
    }

    public RestoreInstant resolved(String pointId) {
        return new RestoreInstant(pointId, name, dir, bytesPerSecond);
    }

    public long speed() {
        return bytesPerSecond == null ? 0 : bytesPerSecond;
    }

    @Override
    public JobType type() {
        return JobType.instant_restore;
    }

    @Override
    public String target() {
        return point;
    }
}
