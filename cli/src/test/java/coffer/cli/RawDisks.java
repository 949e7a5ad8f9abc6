package coffer.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Raw disk files for the command line's tests: seeded data written where asked, and their checksums. Stateless. */
final class RawDisks {
    private RawDisks() {
    }

    /**
     * Writes {@code length} bytes of seeded data (random or one repeated letter, by MiB) at {@code offset} of
     * {@code file}, made or grown to {@code size} first (sparse).
     */
    static void writeData(Path file, long size, long offset, long length, long seed) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() < size) {
                try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(size);
                }
            }
            SplittableRandom random = new SplittableRandom(seed);
            byte[] buffer = new byte[(int) Math.min(length, 1 << 20)];
            long done = 0;
            while (done < length) {
                int n = (int) Math.min(buffer.length, length - done);
                if (random.nextBoolean()) {
                    random.nextBytes(buffer);
                } else {
                    java.util.Arrays.fill(buffer, (byte) ('a' + random.nextInt(26)));
                }
                ch.write(ByteBuffer.wrap(buffer, 0, n), offset + done);
                done += n;
            }
        }
    }

}
