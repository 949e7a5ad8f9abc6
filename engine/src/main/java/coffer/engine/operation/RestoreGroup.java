package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Restore every member of a group point: as new instances {@code <member><suffix>} (started once all are
 * defined when {@code start}), or in place over the shut-off originals. Exactly one of the two.
 *
 * @param groupPoint the group point's id (offline also a unique prefix)
 * @param dir        offline: directory for the new disk files; a server refuses it
 * @param full       in place: write every byte of every member's disks, not a quick rollback of what changed
 *                   (docs/design/change-tracking.md, "Quick rollback"); only with inPlace
 */
public record RestoreGroup(String groupPoint, String suffix, boolean start, boolean inPlace, String dir, boolean full)
        implements JobOperation<GroupRestoreResult> {
    /** Without {@code full}: an in-place restore is a quick rollback where it can be. */
    public RestoreGroup(String groupPoint, String suffix, boolean start, boolean inPlace, String dir) {
        this(groupPoint, suffix, start, inPlace, dir, false);
    }

    public RestoreGroup {
        Problems problems = new Problems();
        Rules.required(problems, "groupPoint", groupPoint, "the group point");
        if (inPlace == (suffix != null)) {
            problems.add("suffix", "give exactly one of 'suffix' (new instances <member><suffix>) and 'inPlace': true");
        }
        Rules.suffix(problems, "suffix", suffix);
        if (inPlace && start) {
            problems.add("start", "an in-place restore leaves the instances shut off");
        }
        if (inPlace && dir != null) {
            problems.add("dir", "an in-place restore writes over the instances' own disks");
        }
        if (full && !inPlace) {
            problems.add("full", "only an in-place restore can write less than the whole disks; new instances' disks"
                    + " are always written in full");
        }
        problems.throwIfAny("group restore request");
    }

    public RestoreGroup resolved(String groupPointId) {
        return new RestoreGroup(groupPointId, suffix, start, inPlace, dir, full);
    }

    @Override
    public JobType type() {
        return JobType.group_restore;
    }

    @Override
    public String target() {
        return groupPoint;
    }
}
