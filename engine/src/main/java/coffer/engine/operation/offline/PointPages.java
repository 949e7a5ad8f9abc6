package coffer.engine.operation.offline;

import coffer.engine.catalog.Page;
import coffer.engine.catalog.PageCursor;
import coffer.engine.operation.ListPoints;
import coffer.engine.operation.PointList;
import coffer.engine.operation.PointView;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A page of a vault's points offline, cut as the server's catalog cuts it (newest first by creation then id,
 * the same filters and cursor), in memory: a vault read offline lists its manifests anyway. Stateless.
 */
final class PointPages {
    private static final Comparator<PointView> NEWEST_FIRST = Comparator.comparing(PointView::createdAt)
            .thenComparing(PointView::id).reversed();

    private PointPages() {
    }

    /**
     * {@code all}: the vault's points (of the instance asked, when one was); filters, orders and cuts them. The
     * vault's damaged and lost points come with the first page (they have no time to be ordered by).
     */
    static PointList page(List<PointView> all, List<PointList.DamagedPoint> damaged, ListPoints request) {
        PageCursor after = request.cursor() == null ? null : PageCursor.decode("cursor", request.cursor());
        Predicate<PointView> matches = p -> (request.state() == null || request.state().equals(p.status()))
                && (request.consistency() == null || request.consistency().equals(p.consistency()))
                && (request.since() == null || !p.createdAt().isBefore(request.since()))
                && (request.until() == null || p.createdAt().isBefore(request.until()));
        List<PointView> matching = all.stream().filter(matches).sorted(NEWEST_FIRST).toList();
        List<PointList.DamagedPoint> firstOnly = request.cursor() == null ? damaged : List.of();
        if (request.offset() != null) { // a numbered page
            int from = Math.min(matching.size(), request.offset());
            List<PointView> items = matching.subList(from, Math.min(matching.size(), from + request.pageSize()));
            return new PointList(items, items.size(), matching.size(), null, firstOnly);
        }
        List<PointView> rows = matching.stream().filter(p -> after == null || p.createdAt().isBefore(after.createdAt())
                || (p.createdAt().equals(after.createdAt()) && p.id().compareTo(after.id()) < 0))
                .limit(request.pageSize() + 1L).toList();
        Page<PointView> page = Page.of(rows, request.pageSize(), p -> new PageCursor(p.createdAt(), p.id()));
        return new PointList(page.items(), page.items().size(), matching.size(),
                page.next() == null ? null : page.next().encode(), firstOnly);
    }
}
