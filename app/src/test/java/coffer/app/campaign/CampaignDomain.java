package coffer.app.campaign;

import coffer.engine.instance.InstanceBackup;
import coffer.testing.TestData;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A running no-OS domain for the campaign (scripts/make-test-domain): {@code vda} an empty qcow2 disk,
 * {@code vdb} a raw disk of random data, of which 16 MiB change before every backup (written from the host:
 * the domain has no OS, so nothing in it writes). Removed at the end (scripts/remove-test-domain).
 *
 * <p>Not thread-safe.
 */
final class CampaignDomain implements AutoCloseable {
    private static final Path SCRIPTS = Path.of("..", "scripts");
    private final String name;
    private final Path raw;
    private final long size;
    private final String zeros;
    private final String uuidPrefix;

    private CampaignDomain(String name, Path raw, long size) throws Exception {
        this.name = name;
        this.raw = raw;
        this.size = size;
        this.zeros = zerosSha(size);
        this.uuidPrefix = run("virsh", "-c", "qemu:///system", "domuuid", name).strip().substring(0, 8);
    }

    static CampaignDomain make(Path dir, int sizeMb, Random draw) throws Exception {
        String name = "coffer-it-kill-" + UUID.randomUUID().toString().substring(0, 8);
        run(SCRIPTS.resolve("make-test-domain").toString(), name, dir.toString(), "--formats", "qcow2,raw", "--size-mb",
                Integer.toString(sizeMb));
        Path raw = dir.resolve(name + "-vdb.raw");
        ImageBackupKill.randomize(raw, 0, (long) sizeMb << 20, draw);
        return new CampaignDomain(name, raw, (long) sizeMb << 20);
    }

    String name() {
        return name;
    }

    /** Rewrites 16 MiB of the raw disk at a random place. */
    void change(Random draw) throws Exception {
        ImageBackupKill.randomize(raw, (draw.nextLong(size - (16 << 20)) >> 20) << 20, 16 << 20, draw);
    }

    /** What a point of the domain holds now. */
    Map<String, String> data() throws Exception {
        return Map.of("vda", zeros, "vdb", TestData.sha256(raw));
    }

    /** The domain runs: a kill left it neither paused nor stopped. */
    void assertRunning(String what) throws Exception {
        String state = run("virsh", "-c", "qemu:///system", "domstate", name).strip();
        if (!state.equals("running")) {
            throw new AssertionError(what + ": domain " + name + " is '" + state + "', not running");
        }
    }

    /** No libvirt job and no runtime directory (socket, scratch files) of a Coffer run is left. */
    void assertNothingLeft(String what) throws Exception {
        String job = run("virsh", "-c", "qemu:///system", "domjobinfo", name);
        if (!job.contains("None")) {
            throw new AssertionError(what + ": a libvirt job is left on " + name + ": " + job);
        }
        Path runtime = InstanceBackup.defaultRuntimeRoot();
        if (Files.isDirectory(runtime)) {
            try (Stream<Path> entries = Files.list(runtime)) {
                List<Path> left = entries.filter(p -> p.getFileName().toString().startsWith(uuidPrefix)).toList();
                if (!left.isEmpty()) {
                    throw new AssertionError(what + ": runtime files left: " + left);
                }
            }
        }
        assertRunning(what);
    }

    @Override
    public void close() throws Exception {
        run(SCRIPTS.resolve("remove-test-domain").toString(), name);
    }

    private static String zerosSha(long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] zeros = new byte[1 << 20];
        for (long done = 0; done < size; done += zeros.length) {
            digest.update(zeros, 0, (int) Math.min(zeros.length, size - done));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
