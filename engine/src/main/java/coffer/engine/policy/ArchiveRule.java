package coffer.engine.policy;

import coffer.engine.error.Problems;

/**
 * The seed's "automatic archiving of backup data": move a point to the archive tier {@code afterDays}
 * days after its creation. Stored and validated now; archive tiers are a later issue. Bounds: 1 to
 * 65,536 days (the seed's maximum retention), and sooner than the policy's retention ends (checked by
 * {@link Policy}: archiving an expired point is meaningless).
 */
public record ArchiveRule(boolean enabled, long afterDays) {
    public static final ArchiveRule OFF = new ArchiveRule(false, 0);

    public static ArchiveRule after(long days) {
        return new ArchiveRule(true, days);
    }

    void check(String field, Problems problems, RetentionPeriod retention) {
        if (!enabled) {
            return;
        }
        if (afterDays < 1 || afterDays > CalendarUnit.MAX_RETENTION_DAYS) {
            problems.add(field + ".afterDays", "archive after " + afterDays + " days is out of range: 1 to "
                    + CalendarUnit.MAX_RETENTION_DAYS);
        } else if (retention instanceof RetentionPeriod.Finite f && f.amount() >= 1
                && afterDays >= f.unit().minDays(f.amount())) {
            problems.add(field + ".afterDays", "archive after " + afterDays + " days is not before the retention ("
                    + f + ") ends; archive sooner or keep longer");
        }
    }
}
