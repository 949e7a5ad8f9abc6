package coffer.engine.catalog;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a newest-first list: at most the limit asked, the cursor of the next page (null when this is the last,
 * or when the page was asked by offset), and how many rows matched in all (null unless asked by offset: counting
 * every match costs what a page should not). Immutable.
 */
public record Page<T>(List<T> items, PageCursor next, Integer total) {
    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page of {@code rows}, read with {@code limit + 1} (so a next page exists exactly when more than
     * {@code limit} came back); {@code position} gives a row's place in the order.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, PageCursor> position) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, position.apply(items.getLast()), null);
    }
}
