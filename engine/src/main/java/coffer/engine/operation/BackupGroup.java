package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.instance.AppConsistency;
import coffer.engine.job.JobType;

import java.util.List;

/**
 * Back up a consistency group: one point per member, all at one instant (docs/design/consistency-groups.md).
 *
 * @param group         the group: through a server its id or name; offline the name recorded on the points
 * @param instances     offline: the members (domain names); a server refuses it (the members are its group's)
 * @param vault         the server's vault by name (default: the default vault)
 * @param retentionDays the points expire this many days after they are taken (1 to 65,536); null: never
 */
public record BackupGroup(String group, List<String> instances, String vault, Integer retentionDays,
                          AppConsistency appConsistent) implements JobOperation<GroupBackupResult> {
    public BackupGroup {
        Problems problems = new Problems();
        Rules.required(problems, "group", group, "the group");
        instances = instances == null ? null : Rules.references(problems, "instances", instances,
                "name the group's instances, at least one");
        Rules.days(problems, "retentionDays", retentionDays);
        problems.throwIfAny("group backup request");
        appConsistent = appConsistent == null ? AppConsistency.off() : appConsistent;
    }

    public BackupGroup resolved(String groupId, String vaultName) {
        return new BackupGroup(groupId, instances, vaultName, retentionDays, appConsistent);
    }

    @Override
    public JobType type() {
        return JobType.group_backup;
    }

    @Override
    public String target() {
        return group;
    }
}
