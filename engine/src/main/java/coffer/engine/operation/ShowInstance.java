package coffer.engine.operation;

import coffer.engine.error.Problems;

/** One instance with its disks and protection. */
public record ShowInstance(String instance) implements Operation<InstanceView> {
    public ShowInstance {
        Problems problems = new Problems();
        Rules.required(problems, "instance", instance, "the instance (UUID or name)");
        problems.throwIfAny("show instance request");
    }
}
