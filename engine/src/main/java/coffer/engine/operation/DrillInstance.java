package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

import java.util.List;

/**
 * A restore drill (docs/design/assurance.md): the newest point of the instance restored as an isolated throwaway
 * copy, booted to its guest agent, optionally checked by a command run in it through the agent, and destroyed.
 *
 * @param instance the instance: name or UUID
 * @param check    the check command: its path, then its arguments (default: none, booting to the agent is the proof)
 */
public record DrillInstance(String instance, List<String> check) implements JobOperation<DrillResult> {
    /** The longest check command, all its words together. */
    static final int MAX_CHECK = 4096;

    public DrillInstance {
        Problems problems = new Problems();
        Rules.required(problems, "instance", instance, "the instance");
        check = check == null ? List.of() : check;
        if (check.stream().anyMatch(w -> w == null)) {
            problems.add("check", "a word of the command is null");
            check = List.of();
        }
        if (!check.isEmpty() && !check.getFirst().startsWith("/")) {
            problems.add("check", "the command's path must be absolute (it runs in the guest), got '" + check.getFirst() + "'");
        }
        if (check.stream().mapToInt(String::length).sum() > MAX_CHECK) {
            problems.add("check", "at most " + MAX_CHECK + " characters in all");
        }
        problems.throwIfAny("drill request");
        check = List.copyOf(check);
    }

    public DrillInstance resolved(String instanceId) {
        return new DrillInstance(instanceId, check);
    }

    @Override
    public JobType type() {
        return JobType.drill;
    }

    @Override
    public String target() {
        return instance;
    }
}
