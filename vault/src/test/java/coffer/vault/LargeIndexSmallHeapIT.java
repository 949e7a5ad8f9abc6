package coffer.vault;

import coffer.testing.S3Server;
import coffer.vault.backend.s3.S3Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An index object larger than the whole heap of the JVM that writes and reads it (docs/format/index.md, "Memory"):
 * a child JVM with {@code -Xmx48m} and {@code coffer.index.heapBytes} of 1 MiB writes an encrypted index of 2 Mi
 * random chunk ids (64 MiB, incompressible: a disk with 1 TiB of distinct data at 512 KiB chunks) through the
 * directory backend and through S3 (a multipart upload), reads the stored bytes back bit for bit, and reads the index
 * back entry for entry. Nothing is left in the temporary directory, nor a multipart upload in the bucket.
 */
class LargeIndexSmallHeapIT {
    private static final int COUNT = 2 << 20;
    private static final long HEAP = 48L << 20;

    @TempDir
    Path dir;

    @Test
    void throughTheDirectoryBackend() throws Exception {
        Path vault = dir.resolve("vault");
        List<String> output = child(List.of("dir", vault.toString()), Map.of());
        assertStoredAndRead(output);
        try (Stream<Path> files = Files.walk(vault)) {
            assertEquals(List.of(), files.filter(p -> p.toString().contains("~tmp~") && Files.isRegularFile(p)).toList(),
                    "no temporary left in the vault");
        }
        Path stored = vault.resolve("points/20260101-000000-00000001/disk-0.fidx");
        assertTrue(Files.size(stored) > HEAP, "the index object is larger than the child's heap: " + Files.size(stored));
    }

    @Test
    void throughS3() throws Exception {
        S3Server server = S3Server.shared();
        try (S3Backend bucket = server.newBackend("big")) {
            List<String> output = child(List.of("s3", bucket.location().bucket(), bucket.location().prefix()),
                    Map.of("COFFER_TEST_S3_ENDPOINT", server.endpoint().toString(),
                            "COFFER_TEST_S3_SECRET", S3Server.SECRET_ACCESS_KEY));
            assertStoredAndRead(output);
            long size = bucket.stat("points/20260101-000000-00000001/disk-0.fidx").orElseThrow().size();
            assertTrue(size > HEAP, "the index object is larger than the child's heap: " + size);
            assertEquals(0, bucket.removeAbandonedUploads(Instant.now().plusSeconds(3600)), "no multipart upload left");
        }
    }

    private static void assertStoredAndRead(List<String> output) {
        String stored = output.stream().filter(l -> l.startsWith("stored ")).findFirst().orElseThrow(() ->
                new AssertionError("no 'stored' line: " + output));
        String[] fields = stored.split(" ");
        assertTrue(Long.parseLong(fields[1]) > HEAP, stored);
        assertEquals(fields[2], fields[3], "the bytes read back are the bytes written");
        assertTrue(output.contains("entries equal " + COUNT), String.join("\n", output));
        long maxHeap = output.stream().filter(l -> l.startsWith("max heap ")).mapToLong(l -> Long.parseLong(l.substring(9)))
                .findFirst().orElseThrow();
        assertTrue(maxHeap <= HEAP, "the child's heap: " + maxHeap);
    }

    private List<String> child(List<String> where, Map<String, String> environment) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx48m", "-XX:+UseSerialGC",
                "-Dcoffer.index.heapBytes=" + (1 << 20), "-Dcoffer.index.tmpdir=" + tmp, "-Djava.io.tmpdir=" + tmp,
                "-cp", classPath, LargeIndexProcessMain.class.getName()));
        command.addAll(where);
        command.addAll(List.of(dir.resolve("keyring.json").toString(), Integer.toString(COUNT), "22"));
        Path log = dir.resolve("child.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the child finished");
        } finally {
            process.destroyForcibly();
        }
        List<String> output = Files.readAllLines(log);
        assertEquals(0, process.exitValue(), String.join("\n", output));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "no temporary file left");
        }
        return output;
    }
}
