package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Unmount: detach a mounted disk from its instance and stop serving it. {@code mount} is the mount's id (the id of
 * the mount job, as {@code mount list} shows it). The job ends when the guest has let the disk go.
 */
public record UnmountDisk(String mount) implements JobOperation<UnmountResult> {
    public UnmountDisk {
        Problems problems = new Problems();
        Rules.required(problems, "mount", mount, "the mount's id");
        problems.throwIfAny("unmount request");
    }

    @Override
    public JobType type() {
        return JobType.unmount;
    }

    @Override
    public String target() {
        return mount;
    }
}
