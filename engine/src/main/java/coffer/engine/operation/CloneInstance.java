package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Clone an instance now: a point of its current state (kept one day), restored at once as the started new
 * instance {@code name}; with {@code region}, in another region: the point replicated to that region's first vault
 * (the replica kept one day too) and restored there on a host of that region, in one job.
 *
 * @param instance the instance's UUID or name
 * @param name     the new instance's name
 * @param vault    the server's vault by name (default: the default vault); offline: refused (the command's --vault)
 * @param dir      offline: directory for the new disk files (default: beside the originals); a server refuses it
 * @param region   through a server: the region the clone runs in (default: the point's own)
 */
public record CloneInstance(String instance, String name, String vault, String dir, String region)
        implements JobOperation<CloneResult> {
    public CloneInstance {
        Problems problems = new Problems();
        Rules.required(problems, "instance", instance, "the instance (UUID or name)");
        if (name == null) {
            problems.add("name", "the new instance's name is required");
        }
        Rules.name(problems, "name", name, "the new instance's name, ");
        Rules.name(problems, "region", region, "a region: ");
        problems.throwIfAny("clone request");
    }

    public CloneInstance resolved(String instanceId, String vaultName) {
        return new CloneInstance(instanceId, name, vaultName, dir, region);
    }

    @Override
    public JobType type() {
        return JobType.clone;
    }

    @Override
    public String target() {
        return instance;
    }
}
