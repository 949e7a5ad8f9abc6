package coffer.engine.operation;

import coffer.engine.error.Problems;

/** The verify runs of a vault (default: every vault), newest first, at most {@code limit} per vault (1-1000, default 20). */
public record ListVerifyRuns(String vault, Integer limit) implements Operation<VerifyRunList> {
    public ListVerifyRuns {
        Problems problems = new Problems();
        if (limit != null && (limit < 1 || limit > 1000)) {
            problems.add("limit", "a whole number from 1 to 1000, got '" + limit + "'");
        }
        problems.throwIfAny("verify list request");
    }

    public int limitOrDefault() {
        return limit == null ? 20 : limit;
    }
}
