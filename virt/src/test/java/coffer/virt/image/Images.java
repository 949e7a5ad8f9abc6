package coffer.virt.image;

import coffer.testing.Environment;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Test images: sparse raw files with seeded data where asked, checksums, tool runs. Stateless. */
final class Images {
    static final int MiB = 1 << 20;

    private Images() {
    }

    /**
     * Requires what a test of a {@link QemuNbdServer} runs: {@code qemu-nbd}, and {@code qemu-img} and
     * {@code qemu-io} to make and write its images (missing: skipped, or failed where integration tests are required).
     */
    static void requireQemuNbdTools() {
        Environment.requireCommand("qemu-nbd");
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("qemu-io");
    }

    /** The directory {@code run} below {@code dir}, made if missing: the runtime parent of the servers a test starts. */
    static Path runtimeParent(Path dir) throws IOException {
        return Files.createDirectories(dir.resolve("run"));
    }

    /** A sparse file of {@code size} bytes holding seeded random data exactly in {@code data}. */
    static Path sparseRaw(Path file, long size, List<Extent> data, long seed) throws IOException {
        Random random = new Random(seed);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.truncate(0);
            for (Extent extent : data) {
                byte[] bytes = new byte[(int) extent.length()];
                random.nextBytes(bytes);
                channel.write(ByteBuffer.wrap(bytes), extent.offset());
            }
        }
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    /** The checksum of everything a source reads, in 4 MiB reads. */
    static String sha256(BlockSource source) throws IOException {
        MessageDigest digest = digest();
        ByteBuffer buffer = ByteBuffer.allocate(4 * MiB);
        for (long offset = 0; offset < source.size(); offset += buffer.capacity()) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), source.size() - offset));
            source.read(offset, buffer);
            digest.update(buffer.flip());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a command; returns its exit status; stdout and stderr go to the test's output. */
    static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(command));
        }
        return process.exitValue();
    }

    static void mustRun(String... command) throws IOException, InterruptedException {
        int status = run(command);
        if (status != 0) {
            throw new AssertionError("exit status " + status + ": " + List.of(command));
        }
    }

    /** The qemu-nbd processes this JVM started that are still alive. */
    static List<ProcessHandle> qemuNbdChildren() {
        return ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("qemu-nbd")).orElse(false))
                .toList();
    }

    static boolean isEmptyDirectory(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
