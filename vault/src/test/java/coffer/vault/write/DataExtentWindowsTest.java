package coffer.vault.write;

import coffer.testing.ByteArrayBlockSource;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.io.ForwardingBlockSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataExtentWindowsTest {

    @Test
    void answersEveryRangeAsTheSourceWouldWithOneRequestPerWindow() throws IOException {
        byte[] disk = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 60; i++) { // scattered data runs, some across window boundaries
            int at = random.nextInt(disk.length - 9000);
            for (int j = 0; j < 1 + random.nextInt(9000); j++) {
                disk[at + j] = (byte) (1 + random.nextInt(255));
            }
        }
        Counting source = new Counting(ByteArrayBlockSource.sparse(disk, 4096));
        DataExtentWindows windows = new DataExtentWindows(source, 64 * 1024);
        for (int chunk = 0; chunk < 96; chunk++) { // 10,000-byte chunks: many straddle two windows
            long offset = chunk * 10_000L;
            int length = (int) Math.min(10_000, disk.length - offset);
            List<Extent> got = windows.within(offset, length);
            long previousEnd = offset;
            long bytes = 0;
            for (Extent e : got) { // clipped to the chunk, ascending, not overlapping
                assertTrue(e.offset() >= previousEnd && e.end() <= offset + length && e.length() > 0, got.toString());
                previousEnd = e.end();
                bytes += e.length();
            }
            for (long b = offset; b < offset + length; b++) { // no data lost
                long at = b;
                assertTrue(disk[(int) b] == 0 || got.stream().anyMatch(e -> e.offset() <= at && at < e.end()),
                        "non-zero byte at " + b + " outside " + got);
            }
            // no data invented: at most the partial 4 KiB blocks at the chunk's two ends beyond a direct answer
            long direct = this.direct(disk, offset, length);
            assertTrue(bytes <= direct + 2 * 4096, bytes + " > " + direct);
        }
        assertEquals(15, source.requests.get(), "windows 0-14 hold the first 960,000 bytes, each asked for once");
    }

    private long direct(byte[] disk, long offset, int length) throws IOException {
        return ByteArrayBlockSource.sparse(disk, 4096).dataExtents(offset, length).stream().mapToLong(Extent::length).sum();
    }

    @Test
    void aFailedRequestIsReportedAndAskedAgainNextTime() throws IOException {
        Counting source = new Counting(ByteArrayBlockSource.of(new byte[4096]));
        DataExtentWindows windows = new DataExtentWindows(source);
        source.failNext = true;
        IOException failure = assertThrows(IOException.class, () -> windows.within(0, 4096));
        assertSame(Counting.FAILURE, failure);
        assertEquals(List.of(new Extent(0, 4096)), windows.within(0, 4096));
        assertEquals(2, source.requests.get());
    }

    private static final class Counting extends ForwardingBlockSource {
        static final IOException FAILURE = new IOException("block status failed");
        final AtomicInteger requests = new AtomicInteger();
        volatile boolean failNext;

        Counting(BlockSource inner) {
            super(inner);
        }

        @Override
        public List<Extent> dataExtents(long offset, long length) throws IOException {
            requests.incrementAndGet();
            if (failNext) {
                failNext = false;
                throw FAILURE;
            }
            return super.dataExtents(offset, length);
        }
    }
}
