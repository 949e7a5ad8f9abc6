package coffer.cli;

import coffer.testing.Environment;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static coffer.testing.TestData.sha256;
import static coffer.cli.RawDisks.writeData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image backup and restore through the real command line: raw, sparse raw and qcow2 sources, sizes that are
 * not a multiple of the chunk size, several incremental points, each restored bit-identical (sha256).
 */
class ImageRoundTripIT extends WithCliVault {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern POINT_ID = Pattern.compile("Point (\\d{8}-\\d{6}-[0-9a-f]{8})");
    @Test
    void rawImageWithOddSizeRoundTripsAcrossIncrementalPoints() throws Exception {
        Path disk = dir.resolve("disk.raw");
        long size = 5L * 1024 * 1024 + 4097; // not a multiple of the chunk size, nor of 512
        writeData(disk, size, 0, size, 1);
        List<String> points = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 4; round++) {
            if (round > 0) {
                for (int w = 0; w < 5; w++) {
                    long offset = random.nextLong(size - 70_000);
                    writeData(disk, size, offset, 1 + random.nextInt(65_536), random.nextLong());
                }
            }
            sums.add(sha256(disk));
            points.add(backup("odd", disk));
        }
        for (int i = 0; i < points.size(); i++) {
            Path restored = dir.resolve("restored-" + i + ".raw");
            CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), points.get(i), "--to", restored.toString()).ok();
            assertEquals(sums.get(i), sha256(restored), "point " + i + " restores bit-identical");
            assertEquals(size, Files.size(restored));
        }
        CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString()).ok();
    }

    /**
     * A second point of the same name stores only the chunk that changed, reads the file's data (a raw file has
     * no change tracking: all its data, none of its hole), and both points restore bit for bit.
     */
    @Test
    void incrementalPointStoresOnlyChangedChunksAndBothPointsRestore() throws Exception {
        Path disk = dir.resolve("disk.raw");
        long size = 8L << 20;
        long data = 6L << 20; // the last 2 MiB stay a hole
        writeData(disk, size, 0, data, 3);
        String firstSha = sha256(disk);
        String first = backup("inc", disk);
        writeData(disk, size, 3L << 20, 1000, 4); // touches one 256 KiB chunk
        String secondSha = sha256(disk);
        String second = backup("inc", disk);

        JsonNode point = JSON.readTree(CliRun.run(keyRing, "point", "show", "--vault", vault.toString(), second,
                "--output", "json").ok().out());
        assertEquals(first, point.path("parent").asText(), point.toString());
        JsonNode written = point.path("disks").get(0);
        assertEquals(1, written.path("newChunks").asInt(), written.toString());
        assertEquals(data, written.path("readBytes").asLong(), "read the file's data, not its hole: " + written);
        assertEquals(data / (256 * 1024), written.path("dataChunks").asLong(), written.toString());
        assertTrue(written.path("newStoredBytes").asLong() <= 256 * 1024 + 1024, "one chunk stored: " + written);

        for (String[] expected : new String[][]{{first, firstSha}, {second, secondSha}}) {
            Path restored = dir.resolve("restored-" + expected[0]);
            CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), expected[0], "--to", restored.toString()).ok();
            assertEquals(expected[1], sha256(restored), "point " + expected[0] + " restores bit for bit");
        }
        assertTrue(!firstSha.equals(secondSha));
    }

    @Test
    void sparseRawImageIsReadWithoutItsHolesAndRestoresSparse() throws Exception {
        Path disk = dir.resolve("sparse.raw");
        long size = 64L << 20;
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        try (var raf = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            raf.setLength(size);
        }
        writeData(disk, size, 10L << 20, 300_000, 5);
        writeData(disk, size, 50L << 20, 4096, 6);
        String point = backup("sparse", disk);
        CliRun show = CliRun.run(keyRing, "point", "show", "--vault", vault.toString(), point, "--output", "json").ok();
        Matcher read = Pattern.compile("\"readBytes\" : (\\d+)").matcher(show.out());
        assertTrue(read.find());
        assertTrue(Long.parseLong(read.group(1)) < 2L << 20, "holes are not read: " + read.group(1));
        Path restored = dir.resolve("restored.raw");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", restored.toString()).ok();
        assertEquals(sha256(disk), sha256(restored));
        long allocated = allocatedBytes(restored);
        assertTrue(allocated < 4L << 20, "restored file stays sparse, allocated " + allocated);
    }

    @Test
    void qcow2ImageRoundTripsAsRawAndAsQcow2() throws Exception {
        Path qemuImg = Environment.requireCommand("qemu-img");
        Environment.requireCommand("qemu-nbd");
        Path raw = dir.resolve("source.raw");
        long size = 12L << 20;
        writeData(raw, size, 0, 3L << 20, 8);
        writeData(raw, size, 7L << 20, 1L << 20, 9);
        Path qcow2 = dir.resolve("source.qcow2");
        run(qemuImg.toString(), "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        String first = backup("q", qcow2);
        writeData(raw, size, 5L << 20, 100_000, 10);
        Files.delete(qcow2);
        run(qemuImg.toString(), "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        String second = backup("q", qcow2);
        Path asRaw = dir.resolve("out.raw");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), second, "--to", asRaw.toString()).ok();
        assertEquals(sha256(raw), sha256(asRaw));
        Path asQcow2 = dir.resolve("out.qcow2");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), second, "--to", asQcow2.toString(),
                "--format", "qcow2").ok();
        Path back = dir.resolve("back.raw");
        run(qemuImg.toString(), "convert", "-f", "qcow2", "-O", "raw", asQcow2.toString(), back.toString());
        assertEquals(sha256(raw), sha256(back));
        CliRun.run(keyRing, "point", "list", "--vault", vault.toString()).ok();
        assertTrue(!first.equals(second));
    }

    @Test
    void severalDisksInOnePointRestoreOneByOne() throws Exception {
        Path a = dir.resolve("a.raw");
        Path b = dir.resolve("b.raw");
        writeData(a, 1L << 20, 0, 1L << 20, 11);
        writeData(b, 3L << 20, 0, 3L << 20, 12);
        String point = backup("two", a, b);
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", dir.resolve("x").toString())
                .fails(2, "InvalidArgument");
        for (Path disk : List.of(a, b)) {
            Path restored = dir.resolve(disk.getFileName() + ".out");
            CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--disk",
                    disk.getFileName().toString(), "--to", restored.toString()).ok();
            assertEquals(sha256(disk), sha256(restored), "disk " + disk.getFileName());
            assertEquals(Files.size(disk), Files.size(restored));
        }
    }

    /**
     * A vault created with the LZ4 codec (config version 2): a point of three disks, a qcow2 and two raw files, read at
     * once, lists them in the order given and restores each bit-identical; a later point of the same name too; verify
     * is clean.
     */
    @Test
    void anLz4VaultBacksUpSeveralDisksAtOnceAndRestoresEachBitIdentical() throws Exception {
        vault = dir.resolve("lz4-vault");
        CliRun init = CliRun.run(keyRing, "vault", "init", vault.toString(), "--chunk-size", "256K", "--compression", "lz4",
                "--output", "json").ok();
        assertTrue(init.out().contains("\"compression\" : \"lz4\"") || init.out().contains("\"compression\":\"lz4\""),
                init.out());
        Path a = dir.resolve("a.raw");
        Path b = dir.resolve("b.raw");
        Path c = dir.resolve("c.raw");
        writeData(a, 3L << 20, 0, 3L << 20, 21);
        writeData(b, (1L << 20) + 777, 0, (1L << 20) + 777, 22);
        writeData(c, 5L << 20, 0, 5L << 20, 23);
        Path qemuImg = Environment.requireCommand("qemu-img");
        Path qcow2 = dir.resolve("a.qcow2");
        run(qemuImg.toString(), "convert", "-f", "raw", "-O", "qcow2", a.toString(), qcow2.toString());
        String first = backup("three", qcow2, b, c);
        java.util.Map<String, String> firstSums = java.util.Map.of("a.qcow2", sha256(a), "b.raw", sha256(b), "c.raw", sha256(c));
        writeData(c, 5L << 20, 1L << 20, 300_000, 24);
        java.util.Map<String, String> secondSums = java.util.Map.of("a.qcow2", sha256(a), "b.raw", sha256(b), "c.raw", sha256(c));
        String second = backup("three", qcow2, b, c);
        CliRun shown = CliRun.run(keyRing, "point", "show", "--vault", vault.toString(), first, "--output", "json").ok();
        int at = shown.out().indexOf("a.qcow2");
        assertTrue(at >= 0 && at < shown.out().indexOf("b.raw") && shown.out().indexOf("b.raw") < shown.out().indexOf("c.raw"),
                "disks listed in the order given: " + shown.out());
        for (String point : List.of(first, second)) {
            for (Path disk : List.of(qcow2, b, c)) {
                Path restored = dir.resolve(point + "-" + disk.getFileName() + ".out");
                CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--disk",
                        disk.getFileName().toString(), "--to", restored.toString()).ok();
                String expected = (point.equals(first) ? firstSums : secondSums).get(disk.getFileName().toString());
                assertEquals(expected, sha256(restored), "point " + point + ", disk " + disk.getFileName());
            }
        }
        CliRun.run(keyRing, "vault", "verify", "--vault", vault.toString()).ok();
    }

    /**
     * The attack of a guest on its own raw disk: its first bytes are a qcow2 header naming a host file as its
     * backing file. Without --format the image is refused (its header names another file; nothing is stored);
     * with --format raw it is stored as the raw disk it is, bit for bit; the host file never reaches the vault.
     */
    @Test
    void aRawDiskWhoseHeaderNamesAHostFileAsItsBackingFileNeverStoresThatFile() throws Exception {
        Path qemuImg = Environment.requireCommand("qemu-img");
        Path secret = dir.resolve("host-secret");
        Files.writeString(secret, "HOST SECRET of this test " + System.nanoTime() + "\n");
        Path disk = guestRawDiskWithQcow2Header(qemuImg, secret, 64L << 20);
        String diskSha = sha256(disk);

        CliRun refused = CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "guest",
                disk.toString()).fails(2, "InvalidArgument");
        assertTrue(refused.err().contains("backing file " + secret) && refused.err().contains("--follow-backing")
                && refused.err().contains("--format raw"), refused.err());
        assertEquals(0, JSON.readTree(CliRun.run(keyRing, "point", "list",
                "--vault", vault.toString(), "--output", "json").ok().out()).path("count").asInt(), "nothing stored");

        String point = backup("guest", "--format", "raw", disk.toString());
        Path restored = dir.resolve("guest.restored");
        CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", restored.toString()).ok();
        assertEquals(64L << 20, Files.size(restored));
        assertEquals(diskSha, sha256(restored), "the raw disk as it is, header included");
    }

    /**
     * A block device is raw unless --format says otherwise, whatever its first bytes say: the same header on a
     * loop device over the disk is read as raw.
     */
    @Test
    void aBlockDeviceIsRawWhateverItsHeaderSays() throws Exception {
        Path qemuImg = Environment.requireCommand("qemu-img");
        Path losetup = Environment.requireCommand("losetup");
        Path secret = dir.resolve("host-secret");
        Files.writeString(secret, "HOST SECRET of this test " + System.nanoTime() + "\n");
        Path disk = guestRawDiskWithQcow2Header(qemuImg, secret, 16L << 20);
        Process attach = new ProcessBuilder(losetup.toString(), "--find", "--show", "--read-only", disk.toString())
                .redirectErrorStream(true).start();
        String device = new String(attach.getInputStream().readAllBytes()).strip();
        Environment.need(attach.waitFor() == 0 && device.startsWith("/dev/loop"), "a loop device (losetup: " + device + ")");
        try {
            String point = backup("device", device);
            Path restored = dir.resolve("device.restored");
            CliRun.run(keyRing, "image", "restore", "--vault", vault.toString(), point, "--to", restored.toString()).ok();
            assertEquals(sha256(disk), sha256(restored), "read as the raw device it is");
        } finally {
            run(losetup.toString(), "-d", device);
        }
    }

    /** A raw disk of {@code size} random bytes whose first bytes are {@code qemu-img create -f qcow2 -b secret}. */
    private Path guestRawDiskWithQcow2Header(Path qemuImg, Path secret, long size) throws Exception {
        Path header = dir.resolve("header.qcow2");
        Files.deleteIfExists(header);
        run(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-b", secret.toString(), "-F", "raw", header.toString(), "1M");
        Path disk = dir.resolve("guest-" + System.nanoTime() + ".raw");
        writeData(disk, size, 0, size, 21);
        byte[] head = Files.readAllBytes(header);
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(head), 0);
        }
        return disk;
    }

    private String backup(String name, Path... disks) {
        return backup(name, java.util.Arrays.stream(disks).map(Path::toString).toArray(String[]::new));
    }

    private String backup(String name, String... arguments) {
        List<String> args = new ArrayList<>(List.of("image", "backup", "--vault", vault.toString(), "--name", name));
        args.addAll(List.of(arguments));
        CliRun run = CliRun.run(keyRing, args.toArray(String[]::new)).ok();
        Matcher m = POINT_ID.matcher(run.out());
        assertTrue(m.find(), run.out());
        return m.group(1);
    }

    /** Bytes the file system allocated for {@code file} ({@code stat %b × %B}). */
    static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String[] parts = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, p.waitFor());
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
    }
}
