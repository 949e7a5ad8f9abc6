package coffer.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Deterministic test disks for the quick start and the benchmark. The image is cut into 4 MiB regions; by a
 * seeded draw each region is random data (35 %), compressible text (30 %), a hole (20 %), or a copy of
 * an earlier region (15 %). Same size and seed, same bytes.
 */
final class SampleImage {
    static final int REGION = 4 << 20;
    private static final String[] WORDS = ("the vault keeps every chunk of every disk once compressed and sealed "
            + "while backups run forever incremental restores bring instances back bit for bit from any point "
            + "policies decide when points expire and replication copies them to another region").split(" ");

    record Summary(long random, long text, long holes, long duplicates) {
    }

    private SampleImage() {
    }

    static Summary create(Path file, long size, long seed) throws IOException {
        long random = 0;
        long text = 0;
        long holes = 0;
        long duplicates = 0;
        SplittableRandom draw = new SplittableRandom(seed);
        byte[] buffer = new byte[REGION];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
            int regions = (int) ((size + REGION - 1) / REGION);
            for (int r = 0; r < regions; r++) {
                long offset = (long) r * REGION;
                int length = (int) Math.min(REGION, size - offset);
                int kind = draw.nextInt(100);
                long regionSeed = draw.nextLong();
                if (kind < 35) {
                    fillRandom(buffer, length, regionSeed);
                    random += length;
                } else if (kind < 65) {
                    fillText(buffer, length, regionSeed);
                    text += length;
                } else if (kind < 85 || r == 0) {
                    holes += length;
                    continue;
                } else {
                    int source = draw.nextInt(r);
                    ByteBuffer view = ByteBuffer.wrap(buffer, 0, length);
                    while (view.hasRemaining()) {
                        if (channel.read(view, (long) source * REGION + view.position()) < 0) {
                            break;
                        }
                    }
                    java.util.Arrays.fill(buffer, view.position(), length, (byte) 0);
                    duplicates += length;
                }
                write(channel, buffer, length, offset);
            }
        }
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() < size) {
                raf.setLength(size);
            }
        }
        return new Summary(random, text, holes, duplicates);
    }

    /** Overwrites scattered ranges of 4 KiB to 1 MiB (4 KiB aligned) with random data; returns bytes written. */
    static long scatter(Path file, double fraction, long seed) throws IOException {
        SplittableRandom draw = new SplittableRandom(seed);
        byte[] buffer = new byte[1 << 20];
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            long size = channel.size();
            long goal = (long) (size * fraction);
            while (written < goal) {
                int length = 4096 * (1 + draw.nextInt(256));
                long offset = 4096L * draw.nextLong(Math.max(1, (size - length) / 4096));
                fillRandom(buffer, length, draw.nextLong());
                write(channel, buffer, length, offset);
                written += length;
            }
            channel.force(true);
        }
        return written;
    }

    private static void write(FileChannel channel, byte[] buffer, int length, long offset) throws IOException {
        ByteBuffer view = ByteBuffer.wrap(buffer, 0, length);
        while (view.hasRemaining()) {
            channel.write(view, offset + view.position());
        }
    }

    private static void fillRandom(byte[] buffer, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            view.putLong(i, random.nextLong());
        }
        for (; i < length; i++) {
            buffer[i] = (byte) random.nextInt();
        }
    }

    private static void fillText(byte[] buffer, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int i = 0;
        while (i < length) {
            byte[] word = (WORDS[random.nextInt(WORDS.length)] + (random.nextInt(12) == 0 ? ".\n" : " "))
                    .getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(word.length, length - i);
            System.arraycopy(word, 0, buffer, i, n);
            i += n;
        }
    }
}
