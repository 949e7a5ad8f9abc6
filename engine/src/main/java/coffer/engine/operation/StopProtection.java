package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Stop protection: the instance leaves the protected list and its plan is deleted; its points stay. */
public record StopProtection(String instance) implements Operation<ProtectionStopped> {
    public StopProtection {
        Problems problems = new Problems();
        Rules.required(problems, "instance", instance, "the instance (UUID or name)");
        problems.throwIfAny("stop protection request");
    }
}
