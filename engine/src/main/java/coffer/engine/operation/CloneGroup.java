package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.instance.AppConsistency;
import coffer.engine.job.JobType;

import java.util.List;

/**
 * Clone a group now: a group point of the members' current state (kept one day), restored at once as started
 * new instances {@code <member><suffix>}.
 *
 * @param instances offline: the members (domain names); a server refuses it
 * @param dir       offline: directory for the new disk files; a server refuses it
 */
public record CloneGroup(String group, String suffix, List<String> instances, String vault, AppConsistency appConsistent,
                         String dir) implements JobOperation<GroupCloneResult> {
    public CloneGroup {
        Problems problems = new Problems();
        Rules.required(problems, "group", group, "the group");
        if (suffix == null) {
            problems.add("suffix", "1 to 32 letters, digits, '.', '_', '+' or '-' appended to each member's name, got nothing");
        }
        Rules.suffix(problems, "suffix", suffix);
        instances = instances == null ? null : Rules.references(problems, "instances", instances,
                "name the group's instances, at least one");
        problems.throwIfAny("group clone request");
        appConsistent = appConsistent == null ? AppConsistency.off() : appConsistent;
    }

    public CloneGroup resolved(String groupId, String vaultName) {
        return new CloneGroup(groupId, suffix, instances, vaultName, appConsistent, dir);
    }

    @Override
    public JobType type() {
        return JobType.group_clone;
    }

    @Override
    public String target() {
        return group;
    }
}
