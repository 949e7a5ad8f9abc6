package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Discover a host's instances again. */
public record RefreshHost(String host) implements Operation<InstanceList> {
    public RefreshHost {
        Problems problems = new Problems();
        Rules.required(problems, "host", host, "the host's id");
        problems.throwIfAny("refresh host request");
    }
}
