package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Restore an instance from a point: as the new instance {@code name} (started when {@code start}), or in
 * place over the shut-off original ({@code inPlace}). Exactly one of the two.
 *
 * @param point the point: id, unique id prefix, or instance name (its newest point)
 * @param dir   offline: directory for the new disk files (default: beside the originals); a server refuses it
 */
public record RestoreInstance(String point, String name, boolean start, boolean inPlace, String dir)
        implements JobOperation<RestoreInstanceResult> {
    public RestoreInstance {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        if (inPlace == (name != null)) {
            problems.add("name", "give exactly one of 'name' (a new instance) and 'inPlace': true");
        }
        Rules.name(problems, "name", name, "");
        if (inPlace && start) {
            problems.add("start", "an in-place restore leaves the instance shut off; start it yourself");
        }
        if (inPlace && dir != null) {
            problems.add("dir", "an in-place restore writes over the instance's own disks");
        }
        problems.throwIfAny("restore-instance request");
    }

    public RestoreInstance resolved(String pointId) {
        return new RestoreInstance(pointId, name, start, inPlace, dir);
    }

    @Override
    public JobType type() {
        return JobType.restore_instance;
    }

    @Override
    public String target() {
        return point;
    }
}
