package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One page of instances as {@link ListInstances} selects it (the same filters, order and cursor), each with its plans
 * and its newest point: what the console's instances page shows, read in a fixed number of catalog statements
 * whatever the page's length (not two lists per instance).
 */
public record ListInstanceOverviews(String host, @JsonProperty("protected") Boolean protectedOnly, String state,
                                    String group, String region, String cursor, Integer limit, String name)
        implements Operation<InstanceOverviewList> {
    public ListInstanceOverviews {
        new ListInstances(host, protectedOnly, state, group, region, cursor, limit, name); // its rules, every problem at once
    }

    /** Every instance whose name the filter does not narrow. */
    public ListInstanceOverviews(String host, Boolean protectedOnly, String state, String group, String region,
                                 String cursor, Integer limit) {
        this(host, protectedOnly, state, group, region, cursor, limit, null);
    }

    /** The same list from the page after {@code next} (the previous page's {@code nextCursor}). */
    public ListInstanceOverviews next(String next) {
        return new ListInstanceOverviews(host, protectedOnly, state, group, region, next, limit, name);
    }

    /** The instance list this page is of. */
    public ListInstances instances() {
        return new ListInstances(host, protectedOnly, state, group, region, cursor, limit, name);
    }
}
