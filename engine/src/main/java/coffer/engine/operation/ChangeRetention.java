package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Keep a point longer: {@code extendDays} more days (1 to 65,536) past its current expiry, or never expire it. */
public record ChangeRetention(String point, Integer extendDays, Boolean neverExpire) implements Operation<RetentionView> {
    public ChangeRetention {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        if ((extendDays != null) == Rules.flag(neverExpire)) {
            problems.add("extendDays", "give exactly one of 'extendDays' (1 to " + Rules.MAX_DAYS + ") and 'neverExpire': true");
        }
        if (extendDays != null && (extendDays < 1 || extendDays > Rules.MAX_DAYS)) {
            problems.add("extendDays", "must be between 1 and " + Rules.MAX_DAYS + ", got " + extendDays);
        }
        problems.throwIfAny("retention change");
    }
}
