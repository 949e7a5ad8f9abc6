package coffer.engine.policy;

import coffer.engine.error.Problems;

import coffer.engine.instance.AppConsistency;

/**
 * A backup policy: when to back up, how long to keep, whether points are immutable, where to replicate,
 * when to archive, and how consistent its backups are asked to be ({@code consistency}: the seed's
 * application-consistency options, passed to every backup job of its plans). Every {@code Policy} is valid: the constructor checks all fields and throws one
 * {@link coffer.engine.error.CofferException} listing every problem, with the seed's codes
 * ({@code PolicyHasPermanentRetention}, {@code NoDestinationRegion}) and {@code InvalidArgument} for the
 * rest. {@link #problems} gives the same list without throwing (for forms that show each field's error).
 *
 * <p>Name: 1 to 64 characters, not blank, no control characters (Coffer's bound). The schedule's and the
 * retention's zones must be the same (one policy, one clock on the wall).
 */
public record Policy(String name, Schedule schedule, Retention retention, boolean immutable,
                     ReplicationRule replication, ArchiveRule archive, AppConsistency consistency) {
    public static final int MAX_NAME = 64;

    public Policy {
        Problems problems = problemsOf(name, schedule, retention, replication, archive);
        if (consistency == null) {
            problems.add("appConsistent", "the consistency settings are required (AppConsistency.off() when not wanted)");
        }
        problems.throwIfAny("policy '" + name + "'");
    }

    /** A crash-consistent policy. */
    public Policy(String name, Schedule schedule, Retention retention, boolean immutable,
                  ReplicationRule replication, ArchiveRule archive) {
        this(name, schedule, retention, immutable, replication, archive, AppConsistency.off());
    }

    /** Every problem of these fields, without throwing. */
    public static Problems problemsOf(String name, Schedule schedule, Retention retention,
                                      ReplicationRule replication, ArchiveRule archive) {
        Problems problems = new Problems();
        if (name == null || name.isBlank()) {
            problems.add("name", "a policy name is required");
        } else if (name.length() > MAX_NAME) {
            problems.add("name", "'" + name + "' is " + name.length() + " characters long; at most " + MAX_NAME);
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            problems.add("name", "'" + name.replaceAll("\\p{Cntrl}", "?") + "' contains control characters");
        }
        if (schedule == null) {
            problems.add("schedule", "a schedule is required");
        } else {
            schedule.check("schedule", problems);
        }
        if (retention == null) {
            problems.add("retention", "a retention is required");
        } else {
            retention.check("retention", problems);
            if (schedule != null && !schedule.zone().equals(retention.zone())) {
                problems.add("retention.zone", retention.zone() + " differs from the schedule's zone "
                        + schedule.zone() + "; use one zone");
            }
        }
        if (replication == null) {
            problems.add("replication", "a replication rule is required (ReplicationRule.OFF when not wanted)");
        } else {
            replication.check("replication", problems);
        }
        if (archive == null) {
            problems.add("archive", "an archive rule is required (ArchiveRule.OFF when not wanted)");
        } else {
            archive.check("archive", problems, retention == null ? null : retention.keepFor());
        }
        return problems;
    }
}
