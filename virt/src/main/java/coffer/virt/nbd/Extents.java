package coffer.virt.nbd;

import coffer.vault.io.Extent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Pure functions over block status extents: clipping to a range, merging neighbours, selecting by flags.
 *
 * <p>Stateless; thread-safe (a {@link Builder} is not).
 */
final class Extents {
    private Extents() {
    }

    /**
     * The ranges of {@code extents} whose flags match, merged where they touch. Input must be ascending and
     * non-overlapping, as block status replies are.
     */
    static List<Extent> select(List<BlockStatusExtent> extents, IntPredicate flags) {
        List<Extent> selected = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (BlockStatusExtent extent : extents) {
            if (!flags.test(extent.flags())) {
                continue;
            }
            if (extent.offset() == end) {
                end = extent.end();
                continue;
            }
            if (start >= 0) {
                selected.add(new Extent(start, end - start));
            }
            start = extent.offset();
            end = extent.end();
        }
        if (start >= 0) {
            selected.add(new Extent(start, end - start));
        }
        return List.copyOf(selected);
    }

    /** Collects ascending extents clipped to {@code [from, to)}, merging neighbours with equal flags. */
    static final class Builder {
        private final long from;
        private final long to;
        private final List<BlockStatusExtent> extents = new ArrayList<>();

        Builder(long from, long to) {
            this.from = from;
            this.to = to;
        }

        void add(BlockStatusExtent extent) {
            long start = Math.max(from, extent.offset());
            long end = Math.min(to, extent.end());
            if (start >= end) {
                return;
            }
            if (!extents.isEmpty()) {
                BlockStatusExtent last = extents.getLast();
                if (start < last.end()) {
                    start = last.end(); // overlap with an earlier answer: the earlier one stands
                    if (start >= end) {
                        return;
                    }
                }
                if (last.end() == start && last.flags() == extent.flags()) {
                    extents.set(extents.size() - 1,
                            new BlockStatusExtent(last.offset(), end - last.offset(), last.flags()));
                    return;
                }
            }
            extents.add(new BlockStatusExtent(start, end - start, extent.flags()));
        }

        List<BlockStatusExtent> build() {
            return List.copyOf(extents);
        }
    }
}
