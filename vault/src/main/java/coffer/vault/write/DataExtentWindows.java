package coffer.vault.write;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source's data extents, asked for a window (1 GiB) at a time when a chunk first needs one: one request
 * per window instead of one per chunk. Over NBD each request is a round trip to a server that is busy
 * serving the reads (measured on an incremental of ~300 scattered chunks: 0.3-0.8 s of worker time went to
 * per-chunk block-status requests).
 *
 * <p>Thread-safe: a window is asked for once; callers that need it meanwhile wait for that answer.
 */
final class DataExtentWindows {
    static final long WINDOW = 1L << 30;

    private final BlockSource source;
    private final long window;
    private final ConcurrentHashMap<Long, List<Extent>> windows = new ConcurrentHashMap<>();

    DataExtentWindows(BlockSource source) {
        this(source, WINDOW);
    }

    DataExtentWindows(BlockSource source, long window) {
        this.source = source;
        this.window = window;
    }

    /** The data extents inside {@code [offset, offset + length)}, clipped to it, ascending. */
    List<Extent> within(long offset, long length) throws IOException {
        long end = Math.min(offset + length, source.size());
        List<Extent> result = new ArrayList<>();
        for (long w = offset / window; w * window < end; w++) {
            for (Extent extent : window(w)) {
                long start = Math.max(offset, extent.offset());
                long stop = Math.min(end, extent.end());
                if (stop > start) {
                    result.add(new Extent(start, stop - start));
                }
            }
        }
        return result;
    }

    private List<Extent> window(long index) throws IOException {
        try {
            return windows.computeIfAbsent(index, i -> {
                long start = i * window;
                try {
                    return List.copyOf(source.dataExtents(start, Math.min(window, source.size() - start)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
