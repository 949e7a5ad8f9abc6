package coffer.engine.instance;

import coffer.testing.Await;
import coffer.testing.ByteArrayBlockSource;
import coffer.vault.io.BlockSource;
import coffer.vault.io.ForwardingBlockSource;
import coffer.virt.image.PageCacheRelease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@link CacheReleasingSource} releases: only ranges read, {@link CacheReleasingSource#LAG} below every read in
 * flight, at most every {@link CacheReleasingSource#PACE_NANOS}, and the rest of what was read at the end; the data
 * read is the wrapped source's.
 */
class CacheReleasingSourceTest {
    private static final int MIB = 1 << 20;
    private static final long SIZE = 64L * MIB;
    @TempDir Path dir;
    private final AtomicLong now = new AtomicLong();

    private PageCacheRelease raw() throws IOException {
        Path file = dir.resolve("disk.raw");
        try (var channel = Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.position(SIZE - 1).write(ByteBuffer.wrap(new byte[1]));
        }
        return PageCacheRelease.open(file, "raw").orElseThrow();
    }

    private static byte[] data() {
        byte[] data = new byte[(int) SIZE];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 12));
        }
        return data;
    }

    private void read(BlockSource source, long offset, int length) throws IOException {
        source.read(offset, ByteBuffer.allocate(length));
    }

    @Test
    void releasesBehindTheReadsPacedByTime() throws IOException {
        byte[] data = data();
        CacheReleasingSource source = new CacheReleasingSource(ByteArrayBlockSource.of(data), raw(), now::get);
        for (long at = 0; at < 32L * MIB; at += MIB) {
            read(source, at, MIB);
        }
        assertEquals(0, source.released(), "nothing released before the pace's first interval");
        now.addAndGet(CacheReleasingSource.PACE_NANOS);
        read(source, 32L * MIB, MIB);
        assertEquals(33L * MIB - CacheReleasingSource.LAG, source.released());
        read(source, 33L * MIB, MIB);
        assertEquals(33L * MIB - CacheReleasingSource.LAG, source.released(), "not again within the interval");

        ByteBuffer dst = ByteBuffer.allocate(MIB);
        source.read(40L * MIB, dst);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 40 * MIB, 41 * MIB), dst.array());
        source.close();
        assertEquals(35L * MIB, source.released(), "closing releases the rest of what was read, and nothing else");
    }

    @Test
    void rangesNotReadAreNotReleased() throws IOException {
        CacheReleasingSource source = new CacheReleasingSource(ByteArrayBlockSource.of(data()), raw(), now::get);
        read(source, 0, MIB);
        read(source, 20L * MIB, MIB);
        now.addAndGet(CacheReleasingSource.PACE_NANOS);
        read(source, 40L * MIB, MIB);
        assertEquals(2L * MIB, source.released(), "the two ranges read below the lag, not the gaps between them");
        source.close();
        assertEquals(3L * MIB, source.released());
    }

    @Test
    void aReadInFlightHoldsTheReleaseBelowIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        BlockSource slowAt4 = new ForwardingBlockSource(ByteArrayBlockSource.of(data())) {
            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                if (offset == 4L * MIB) {
                    entered.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                super.read(offset, dst);
            }
        };
        CacheReleasingSource source = new CacheReleasingSource(slowAt4, raw(), now::get);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> slow = pool.submit(() -> {
                read(source, 4L * MIB, MIB);
                return null;
            });
            Await.until(() -> entered.getCount() == 0, Duration.ofSeconds(10), "the slow read to start");
            for (long at = 5L * MIB; at < 48L * MIB; at += MIB) {
                read(source, at, MIB);
            }
            now.addAndGet(CacheReleasingSource.PACE_NANOS);
            read(source, 48L * MIB, MIB);
            assertEquals(0, source.released(), "nothing at or above the read in flight, less the lag");
            go.countDown();
            slow.get();
            now.addAndGet(CacheReleasingSource.PACE_NANOS);
            read(source, 49L * MIB, MIB);
            assertEquals(46L * MIB - CacheReleasingSource.LAG, source.released(), "all read from 4 MiB on, less the lag");
        } finally {
            go.countDown();
            pool.shutdownNow();
            source.close();
        }
    }
}
