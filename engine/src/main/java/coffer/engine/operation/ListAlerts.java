package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Change alerts (docs/design/assurance.md): those standing (unacknowledged) of every instance, or with
 * {@code acknowledged} every instance's alerts, acknowledged ones included, or with {@code instance} that instance's
 * alerts, acknowledged ones included; newest first (by raising time, then id), one page of at most {@code limit} (1-1000,
 * default 50) after {@code cursor} (the previous page's {@code nextCursor}; null: the first page).
 */
public record ListAlerts(String instance, Integer limit, Boolean acknowledged, String cursor) implements Operation<AlertList> {
    /** The first page. */
    public ListAlerts(String instance, Integer limit, Boolean acknowledged) {
        this(instance, limit, acknowledged, null);
    }

    /** The standing alerts of every instance, or every alert of {@code instance}. */
    public ListAlerts(String instance, Integer limit) {
        this(instance, limit, null);
    }

    public ListAlerts {
        Problems problems = new Problems();
        Rules.page(problems, null, null, cursor, limit, 1000);
        problems.throwIfAny("alert list request");
    }

    public int limitOrDefault() {
        return limit == null ? 50 : limit;
    }
}
