package coffer.virt.image;

import coffer.testing.Environment;
import coffer.vault.io.BlockSink;
import coffer.vault.io.Extent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The qcow2 writer against QEMU: every image it commits passes {@code qemu-img check} (no errors, no leaked
 * clusters), reads back equal to a raw file given the same writes ({@code qemu-img compare}), and allocates
 * exactly the clusters that hold data ({@code qemu-img map}).
 */
class Qcow2FileSinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLUSTER = Qcow2FileSink.CLUSTER;
    private static final int CHUNK = 512 * 1024;

    @TempDir
    Path dir;

    @BeforeEach
    void needQemu() {
        Environment.requireCommand("qemu-img");
    }

    /** Writes go to the qcow2 sink and, identically, to a sparse raw reference file. */
    private record Pair(Qcow2FileSink sink, FileChannel raw) {
        void write(long offset, byte[] data, int from, int length) throws IOException {
            sink.write(offset, ByteBuffer.wrap(data, from, length));
            ByteBuffer src = ByteBuffer.wrap(data, from, length);
            while (src.hasRemaining()) {
                raw.write(src, offset + src.position() - from);
            }
        }
    }

    private Pair open(String name, long size, int resident) throws IOException {
        FileChannel raw = FileChannel.open(dir.resolve(name + ".raw"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        raw.truncate(0);
        try (var file = new java.io.RandomAccessFile(dir.resolve(name + ".raw").toFile(), "rw")) {
            file.setLength(size);
        }
        return new Pair(Qcow2FileSink.create(dir.resolve(name + ".qcow2"), size, false, resident), raw);
    }

    @Test
    void chunksWrittenInParallelMakeACleanImageEqualToTheirData() throws Exception {
        long size = 40L * MiB + 3 * 512; // not a whole number of clusters: the last one is partial
        Pair pair = open("chunks", size, Qcow2FileSink.DEFAULT_RESIDENT_L2);
        Random random = new Random(21);
        List<Integer> chunks = new ArrayList<>();
        for (int i = 0; (long) i * CHUNK < size; i++) {
            chunks.add(i);
        }
        Collections.shuffle(chunks, random);
        List<Extent> expectedData = new ArrayList<>();
        byte[][] contents = new byte[chunks.size()][];
        for (int i = 0; i < contents.length; i++) {
            int length = (int) Math.min(CHUNK, size - (long) i * CHUNK);
            byte[] data = new byte[length];
            switch (i % 4) {
                case 0 -> random.nextBytes(data);                           // all data
                case 1 -> { }                                                // all zeros: nothing allocated
                case 2 -> random.nextBytes(data);                           // data with zero clusters inside
                default -> { }                                               // two bytes of data, set below
            }
            if (i % 4 == 2) {
                java.util.Arrays.fill(data, CLUSTER, 3 * CLUSTER, (byte) 0);
                java.util.Arrays.fill(data, 5 * CLUSTER, Math.min(length, 6 * CLUSTER), (byte) 0);
            }
            if (i % 4 == 3) {
                data[100] = 7; // one byte in the first cluster, one in the last: two clusters with data
                data[length - 1] = 9;
            }
            contents[i] = data;
        }
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i : chunks) {
                writes.add(workers.submit(() -> {
                    pair.write((long) i * CHUNK, contents[i], 0, contents[i].length);
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            workers.shutdown();
            assertTrue(workers.awaitTermination(1, TimeUnit.MINUTES));
        }
        for (int i = 0; i < contents.length; i++) {
            for (int c = 0; c * CLUSTER < contents[i].length; c++) {
                int from = c * CLUSTER;
                int to = Math.min(contents[i].length, from + CLUSTER);
                if (!java.util.Arrays.equals(contents[i], from, to, new byte[to - from], 0, to - from)) {
                    addMerged(expectedData, new Extent((long) i * CHUNK + from, to - from));
                }
            }
        }
        commitAndCheck(pair, "chunks");
        assertEquals(expectedData, allocated(dir.resolve("chunks.qcow2")), "exactly the clusters with data are allocated");
    }

    @Test
    void unalignedWritesSharingClustersFromSeveralThreadsKeepEveryByte() throws Exception {
        long size = 8L * MiB;
        Pair pair = open("unaligned", size, Qcow2FileSink.DEFAULT_RESIDENT_L2);
        Random random = new Random(22);
        // disjoint pieces of 1 to 9000 bytes at arbitrary byte offsets, many sharing a cluster
        List<long[]> pieces = new ArrayList<>();
        for (long at = 1000; at < size - 10_000; ) {
            int length = 1 + random.nextInt(9000);
            pieces.add(new long[]{at, length});
            at += length + random.nextInt(3) * random.nextInt(20_000);
        }
        Collections.shuffle(pieces, random);
        byte[] data = new byte[9100];
        random.nextBytes(data);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (long[] piece : pieces) {
                writes.add(workers.submit(() -> {
                    pair.write(piece[0], data, (int) (piece[0] % 97), (int) piece[1]);
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            workers.shutdown();
            assertTrue(workers.awaitTermination(1, TimeUnit.MINUTES));
        }
        commitAndCheck(pair, "unaligned");
    }

    @Test
    void l2TablesWrittenOutAndTouchedAgainStayCorrect() throws Exception {
        long size = 3L << 30; // six L2 tables of 512 MiB each, one resident at a time
        Pair pair = open("evicted", size, 1);
        byte[] data = new byte[CHUNK];
        new Random(23).nextBytes(data);
        long[] order = {0, 600L * MiB, 1300L * MiB, 64L * MiB, 2900L * MiB, 600L * MiB + CHUNK, 0 + 2 * CHUNK,
                size - CHUNK};
        for (long at : order) {
            pair.write(at, data, 0, data.length);
        }
        commitAndCheck(pair, "evicted");
    }

    @Test
    void writeZeroesClearsWrittenDataAndAllocatesNothingNew() throws Exception {
        Pair pair = open("zeroes", 16L * MiB, Qcow2FileSink.DEFAULT_RESIDENT_L2);
        byte[] data = new byte[2 * MiB];
        new Random(24).nextBytes(data);
        pair.write(MiB, data, 0, data.length);
        byte[] zeros = new byte[300_000];
        pair.sink().writeZeroes(MiB + 1000, zeros.length);      // part of several clusters: zeroed in place
        pair.write(MiB + 1000, zeros, 0, zeros.length);
        pair.sink().writeZeroes(2L * MiB, 2 * CLUSTER);         // two whole clusters: flagged as zeros
        pair.write(2L * MiB, zeros, 0, 2 * CLUSTER);
        pair.write(2L * MiB + CLUSTER + 100, data, 0, 50);      // data again in one: the rest still reads zeros
        pair.sink().writeZeroes(8L * MiB, 8L * MiB);             // nothing allocated there
        commitAndCheck(pair, "zeroes");
        // data in [1 MiB, 3 MiB) but in the three clusters the first zeroing covered whole and the first of the
        // two the second did (the other holds data again)
        assertEquals(List.of(new Extent(MiB, CLUSTER), new Extent(MiB + 4 * CLUSTER, MiB - 4 * CLUSTER),
                        new Extent(2L * MiB + CLUSTER, MiB - CLUSTER)),
                allocated(dir.resolve("zeroes.qcow2")), "a cluster flagged as zeros holds no data");
    }

    @Test
    void anEmptyImageIsValidAndAllZeros() throws Exception {
        Pair pair = open("empty", 5L << 30, Qcow2FileSink.DEFAULT_RESIDENT_L2);
        commitAndCheck(pair, "empty");
        assertEquals(List.of(), allocated(dir.resolve("empty.qcow2")));
        JsonNode info = JSON.readTree(output("qemu-img", "info", "--output=json", dir.resolve("empty.qcow2").toString()));
        assertEquals("qcow2", info.path("format").asText());
        assertEquals(5L << 30, info.path("virtual-size").asLong());
        assertEquals(65536, info.path("cluster-size").asInt());
    }

    @Test
    void writesOutsideTheDiskAndAfterCloseFail() throws Exception {
        Pair pair = open("bounds", MiB, Qcow2FileSink.DEFAULT_RESIDENT_L2);
        assertThrows(IOException.class, () -> pair.sink().write(MiB - 10, ByteBuffer.allocate(20)));
        pair.sink().close();
        pair.raw().close();
        assertThrows(IOException.class, () -> pair.sink().write(0, ByteBuffer.allocate(20)));
        assertThrows(IllegalArgumentException.class,
                () -> Qcow2FileSink.create(dir.resolve("odd.qcow2"), 1000, false));
    }

    private void commitAndCheck(Pair pair, String name) throws Exception {
        pair.sink().commit();
        pair.sink().close();
        pair.raw().close();
        Path image = dir.resolve(name + ".qcow2");
        JsonNode check = JSON.readTree(output("qemu-img", "check", "--output=json", "-f", "qcow2", image.toString()));
        assertEquals(0, check.path("check-errors").asInt(), check.toString());
        assertEquals(0, check.path("corruptions").asInt(), check.toString());
        assertEquals(0, check.path("leaks").asInt(), check.toString());
        assertEquals(0, Images.run("qemu-img", "compare", "-q", "-f", "raw", "-F", "qcow2",
                dir.resolve(name + ".raw").toString(), image.toString()), "qcow2 reads like the raw reference");
    }

    /** The data ranges {@code qemu-img map} reports, merged. */
    private static List<Extent> allocated(Path image) throws Exception {
        List<Extent> extents = new ArrayList<>();
        for (JsonNode range : JSON.readTree(output("qemu-img", "map", "--output=json", "-f", "qcow2", image.toString()))) {
            if (range.path("data").asBoolean()) {
                addMerged(extents, new Extent(range.path("start").asLong(), range.path("length").asLong()));
            }
        }
        return extents;
    }

    private static void addMerged(List<Extent> extents, Extent extent) {
        if (!extents.isEmpty() && extents.getLast().end() == extent.offset()) {
            Extent last = extents.removeLast();
            extents.add(new Extent(last.offset(), last.length() + extent.length()));
        } else {
            extents.add(extent);
        }
    }

    private static String output(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
