package coffer.engine.operation;

import coffer.engine.catalog.Plan;
import coffer.engine.error.Problems;

/**
 * One page of protection plans, by name, filtered on the server: of an {@code instance} (UUID or name), bound to a
 * {@code policy} (id or name), in a {@code state} ({@code active}, {@code suspended}); the page after {@code cursor}
 * (the previous page's {@code nextCursor}); at most {@code limit} plans (1 to {@value #MAX_LIMIT}; default
 * {@value #DEFAULT_LIMIT}).
 */
public record ListPlans(String instance, String policy, Plan.State state, String cursor, Integer limit)
        implements Operation<PlanList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public ListPlans {
        Problems problems = new Problems();
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("plan list request");
    }

    /** The first page of every plan. */
    public ListPlans() {
        this(null, null, null, null, null);
    }

    /** The page after {@code next} of the same list. */
    public ListPlans next(String next) {
        return new ListPlans(instance, policy, state, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}
