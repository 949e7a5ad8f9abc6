package coffer.virt.image;

import java.util.Arrays;

/**
 * Where the guest range {@code [from, to)} of a disk image lies in the image file itself: the extents with data in
 * the file, ascending by guest offset, each merged with the next where both the guest and the host ranges go on. A
 * guest range of {@code [from, to)} in none of them has no data in this file. Holds at most the number of extents
 * its {@link Builder} was given, so a huge fragmented disk is mapped a part at a time ({@link QemuImg#mapFrom}).
 *
 * <p>Immutable; thread-safe.
 */
final class HostMap {
    /** What is done with a host range of the file; {@code true} when it was done. */
    @FunctionalInterface
    interface HostRange {
        boolean apply(long offset, long length);
    }

    private final long from;
    private final long to;
    private final long[] starts;
    private final long[] ends;
    private final long[] offsets;

    private HostMap(long from, long to, long[] starts, long[] ends, long[] offsets) {
        this.from = from;
        this.to = to;
        this.starts = starts;
        this.ends = ends;
        this.offsets = offsets;
    }

    /** The identity map of a raw file: every guest offset at the same file offset. */
    static HostMap identity() {
        return new HostMap(0, Long.MAX_VALUE, new long[] {0}, new long[] {Long.MAX_VALUE}, new long[] {0});
    }

    /** Whether this map tells where the guest offset {@code at} lies. */
    boolean covers(long at) {
        return at >= from && at < to;
    }

    /** The guest offset just past the range this map covers ({@link Long#MAX_VALUE}: to the disk's end). */
    long to() {
        return to;
    }

    /** The number of extents held. */
    int extents() {
        return starts.length;
    }

    /**
     * Applies {@code action} to the host range of each part of the guest range {@code [start, stop)} (inside what
     * this map covers) that has data in the file, ascending; returns the guest bytes for which it returned true.
     */
    long forEach(long start, long stop, HostRange action) {
        long done = 0;
        for (int i = firstEndingAfter(start); i < starts.length && starts[i] < stop; i++) {
            long first = Math.max(start, starts[i]);
            long end = Math.min(stop, ends[i]);
            if (end > first && action.apply(offsets[i] + first - starts[i], end - first)) {
                done += end - first;
            }
        }
        return done;
    }

    /** The index of the first extent that ends after {@code at} (binary search; the extents are ascending). */
    private int firstEndingAfter(long at) {
        int low = 0;
        int high = starts.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ends[middle] <= at) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    @Override
    public String toString() {
        return "HostMap[" + from + ", " + to + "): " + starts.length + " extents";
    }

    /** Collects a map's extents in ascending guest order, up to a limit. Not thread-safe. */
    static final class Builder {
        private final long from;
        private final int limit;
        private long[] starts = new long[16];
        private long[] ends = new long[16];
        private long[] offsets = new long[16];
        private int count;

        /** A map from guest offset {@code from} holding at most {@code limit} (at least 1) extents. */
        Builder(long from, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit " + limit);
            }
            this.from = from;
            this.limit = limit;
        }

        /**
         * Adds the guest range {@code [start, start + length)}, stored from file offset {@code offset}, above every
         * range added before: merged onto the last when both ranges go on from it, else a new extent. Returns false,
         * adding nothing, when it would be one extent more than the limit.
         */
        boolean add(long start, long length, long offset) {
            if (start < from || length <= 0 || offset < 0 || count > 0 && start < ends[count - 1]) {
                throw new IllegalArgumentException("extent " + start + "+" + length + " at " + offset
                        + " not above the map's last");
            }
            if (count > 0 && start == ends[count - 1] && offset == offsets[count - 1] + start - starts[count - 1]) {
                ends[count - 1] = start + length;
                return true;
            }
            if (count == limit) {
                return false;
            }
            if (count == starts.length) {
                int grown = (int) Math.min(limit, 2L * count);
                starts = Arrays.copyOf(starts, grown);
                ends = Arrays.copyOf(ends, grown);
                offsets = Arrays.copyOf(offsets, grown);
            }
            starts[count] = start;
            ends[count] = start + length;
            offsets[count] = offset;
            count++;
            return true;
        }

        /** The map of the extents added, covering the guest range {@code [from, to)}. */
        HostMap build(long to) {
            if (to <= from || count > 0 && ends[count - 1] > to) {
                throw new IllegalArgumentException("map to " + to + " from " + from);
            }
            return new HostMap(from, to, Arrays.copyOf(starts, count), Arrays.copyOf(ends, count),
                    Arrays.copyOf(offsets, count));
        }
    }
}
