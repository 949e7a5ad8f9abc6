package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.instance.AppConsistency;
import coffer.engine.job.JobType;

import java.util.List;

/**
 * Back up an instance: one point of its disks (all, or {@code disks}) at one instant.
 *
 * @param instance      the instance's UUID or name (through a server: its UUID once submitted)
 * @param vault         the server's vault by name (default: the protection's, else the default vault); offline
 *                      the vault is the command's {@code --vault}, and a name here is refused
 * @param disks         only these disk targets; null for every disk that can be backed up (through a server:
 *                      the protection's disks when it protects only some)
 * @param retentionDays the point expires this many days after it is taken (1 to 65,536); null: never
 * @param appConsistent quiesce the guest through its agent ({@link AppConsistency}'s JSON form); null: off
 * @param replicate     replicate the point as the replication rule of the instance's plan's policy says, once it is
 *                      taken (NoDestinationRegion when that policy has no rule on); a plan's run replicates as its
 *                      policy says without it
 * @param replicateTo   replicate the point, once it is taken, to {@code REGION}, {@code REGION/VAULT} or
 *                      {@code /VAULT} (the replica kept as long as the point); through a server only
 * @param plan          set by the scheduler for a plan's run, never by a person
 * @param description   a person's note on the point (at most {@value Rules#MAX_DESCRIPTION} characters), kept in
 *                      its manifest; null: none
 */
public record BackupInstance(String instance, String vault, List<String> disks, Integer retentionDays,
                             AppConsistency appConsistent, boolean replicate, String replicateTo, PlanRun plan,
                             String description)
        implements JobOperation<BackupResult> {
    public BackupInstance {
        Problems problems = new Problems();
        Rules.required(problems, "instance", instance, "the instance (UUID or name)");
        disks = Rules.targets(problems, "disks", disks);
        Rules.days(problems, "retentionDays", retentionDays);
        Rules.description(problems, "description", description);
        if (replicateTo != null) {
            try {
                ReplicatePoint.Destination.parse("replicateTo", replicateTo);
            } catch (coffer.engine.error.CofferException e) {
                problems.add("replicateTo", e.getMessage().substring("replicateTo: ".length()));
            }
            if (replicate) {
                problems.add("replicate", "give one of 'replicate' (the plan's policy's rule) and 'replicateTo'");
            }
        }
        problems.throwIfAny("backup request");
        appConsistent = appConsistent == null ? AppConsistency.off() : appConsistent;
    }

    /** A person's backup of every disk, crash-consistent, kept until deleted. */
    public static BackupInstance of(String instance) {
        return new BackupInstance(instance, null, null, null, null, false, null, null, null);
    }

    /** The same backup of the resolved instance, vault and disks. */
    public BackupInstance resolved(String instanceId, String vaultName, List<String> diskTargets) {
        return new BackupInstance(instanceId, vaultName, diskTargets, retentionDays, appConsistent, replicate, replicateTo,
                plan, description);
    }

    @Override
    public JobType type() {
        return JobType.backup;
    }

    @Override
    public String target() {
        return instance;
    }
}
