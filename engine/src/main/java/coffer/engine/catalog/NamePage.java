package coffer.engine.catalog;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list ordered by name: at most the limit asked, and the cursor of the next page (null on the last).
 * {@link Page} is its newest-first twin. Immutable.
 */
public record NamePage<T>(List<T> items, NameCursor next) {
    public NamePage {
        items = List.copyOf(items);
    }

    /** The page of {@code rows}, read with {@code limit + 1}: a next page exists exactly when more came back. */
    public static <T> NamePage<T> of(List<T> rows, int limit, Function<T, NameCursor> position) {
        if (rows.size() <= limit) {
            return new NamePage<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new NamePage<>(items, position.apply(items.getLast()));
    }
}
