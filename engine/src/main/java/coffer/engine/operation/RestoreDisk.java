package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Restore one disk of a point: to a new file ({@code to}, an absolute path on the host that runs it), or
 * in place over the instance's own disk ({@code inPlace}; the instance must be shut off). Exactly one of
 * the two. Through a server, {@code to} must lie beneath one of its restore directories or beside the instance's
 * own disks, else the job fails with {@code RestoreTargetNotAllowed} (docs/server.md, "Restore directories").
 *
 * @param point  the point: id, unique id prefix, or instance name (its newest point)
 * @param disk   the disk's target in the point (e.g. vda)
 * @param format {@code qcow2} or {@code raw} for a new file (default: the disk's own); not with inPlace
 * @param force  replace {@code to} if it exists
 * @param full   in place: write every byte of the disk, not a quick rollback of what changed
 *               (docs/design/change-tracking.md, "Quick rollback"); only with inPlace
 */
public record RestoreDisk(String point, String disk, String to, String format, boolean inPlace, boolean force,
                          boolean full)
        implements JobOperation<RestoreDiskResult> {
    /** Without {@code full}: an in-place restore is a quick rollback where it can be. */
    public RestoreDisk(String point, String disk, String to, String format, boolean inPlace, boolean force) {
        this(point, disk, to, format, inPlace, force, false);
    }

    public RestoreDisk {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        if (disk == null || !Rules.TARGET.matcher(disk).matches()) {
            problems.add("disk", "the target of a disk of the point (e.g. vda), got " + (disk == null ? "nothing" : "'" + disk + "'"));
        }
        if (inPlace == (to != null)) {
            problems.add("to", "give exactly one of 'to' (a new file) and 'inPlace': true");
        }
        if (to != null && !to.startsWith("/")) {
            problems.add("to", "must be an absolute path, got '" + to + "'");
        }
        if (format != null && !format.equals("qcow2") && !format.equals("raw")) {
            problems.add("format", "qcow2 or raw, got '" + format + "'");
        }
        if (inPlace && format != null) {
            problems.add("format", "an in-place restore keeps the disk's own format");
        }
        if (full && !inPlace) {
            problems.add("full", "only an in-place restore can write less than the whole disk; a new file is always"
                    + " written in full");
        }
        problems.throwIfAny("restore-disk request");
    }

    public RestoreDisk resolved(String pointId) {
        return new RestoreDisk(pointId, disk, to, format, inPlace, force, full);
    }

    @Override
    public JobType type() {
        return JobType.restore_disk;
    }

    @Override
    public String target() {
        return point;
    }
}
