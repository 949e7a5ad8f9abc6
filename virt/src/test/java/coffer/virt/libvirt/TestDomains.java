package coffer.virt.libvirt;

import coffer.testing.Environment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway domains without an OS for one test: disk files in the test's directory, uniquely named domains
 * defined and started through {@link Libvirt}, all destroyed and undefined by {@link #close()} whatever
 * happened. Also the machine checks every libvirt test starts with.
 *
 * <p>Not thread-safe: one per test.
 */
final class TestDomains implements AutoCloseable {
    static final int MiB = 1 << 20;

    /** The domain type no-OS domains get here, probed once per test JVM (or $COFFER_DOMAIN_TYPE). */
    private static volatile String domainType;

    private final Libvirt libvirt;
    private final Path dir;
    private final List<String> created = new ArrayList<>();

    private TestDomains(Libvirt libvirt, Path dir) {
        this.libvirt = libvirt;
        this.dir = dir;
    }

    /** Skips (in CI: fails) without virsh, qemu-img or a libvirtd answering on qemu:///system. */
    static TestDomains open(Path dir) throws Exception {
        Environment.requireCommand("virsh");
        Environment.requireCommand("qemu-img");
        Libvirt libvirt;
        try {
            libvirt = Libvirt.connect(null);
        } catch (LibvirtException e) {
            Environment.need(false, "libvirtd on qemu:///system (run scripts/setup-libvirt as root): "
                    + e.getMessage());
            throw e;
        }
        return new TestDomains(libvirt, dir);
    }

    Libvirt libvirt() {
        return libvirt;
    }

    /** A name no other test run uses: {@code coffer-it-<what>-<random>}. */
    static String uniqueName(String what) {
        return "coffer-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Defines (not starts) a domain with one empty virtio disk per format (vda, vdb, ...) of {@code sizeMiB}. */
    String define(String what, int sizeMiB, String... formats) throws Exception {
        String name = uniqueName(what);
        StringBuilder disks = new StringBuilder();
        for (int i = 0; i < formats.length; i++) {
            String target = "vd" + (char) ('a' + i);
            Path file = disk(name, target, formats[i]);
            run("qemu-img", "create", "-q", "-f", formats[i], file.toString(), sizeMiB + "M");
            disks.append("""
                        <disk type='file' device='disk'>
                          <driver name='qemu' type='%s'/>
                          <source file='%s'/>
                          <target dev='%s' bus='virtio'/>
                        </disk>
                    """.formatted(formats[i], file, target));
        }
        String xml = """
                <domain type='%s'>
                  <name>%s</name>
                  <description>coffer test domain</description>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64'>hvm</type></os>
                  <on_poweroff>destroy</on_poweroff>
                  <devices>
                %s    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(domainType(), name, disks);
        created.add(name);
        libvirt.define(xml);
        return name;
    }

    /** {@link #define} and start. */
    String start(String what, int sizeMiB, String... formats) throws Exception {
        String name = define(what, sizeMiB, formats);
        libvirt.start(name);
        return name;
    }

    /** Remembers a domain made elsewhere (e.g. by a script) for cleanup. */
    void adopt(String name) {
        created.add(name);
    }

    Path disk(String domain, String target, String format) {
        return dir.resolve(domain + "-" + target + "." + format);
    }

    Path dir() {
        return dir;
    }

    /**
     * Writes {@code pattern} over {@code [offset, offset+length)} of the running domain's disk number
     * {@code diskIndex} (0 = vda) from the host, as a guest write would (QEMU's qemu-io on the virtio device).
     * qemu-io prints its own report to QEMU's stdout (the domain's log), so success shows as an empty reply;
     * the tests check the data through the bitmaps and NBD exports.
     */
    void write(String domain, int diskIndex, int pattern, long offset, long length) throws LibvirtException {
        String reply = libvirt.monitorCommand(domain, "qemu-io -d /machine/peripheral/virtio-disk" + diskIndex
                + "/virtio-backend \"write -P " + pattern + " " + offset + " " + length + "\"", true);
        if (!reply.isBlank()) {
            throw new AssertionError("qemu-io write failed: " + reply);
        }
    }

    /** A QEMU dirty bitmap as {@code query-named-block-nodes} reports it. */
    record Bitmap(String name, boolean recording, boolean busy, boolean persistent, boolean inconsistent,
                  long count) {
    }

    /**
     * The named dirty bitmaps QEMU holds on the qcow2 format node of {@code file} in the running domain, read with
     * the QMP command {@code query-named-block-nodes} (field {@code dirty-bitmaps}).
     */
    List<Bitmap> bitmaps(String domain, Path file) throws Exception {
        JsonNode nodes = new ObjectMapper().readTree(
                libvirt.monitorCommand(domain, "{\"execute\":\"query-named-block-nodes\"}", false)).path("return");
        List<Bitmap> bitmaps = new ArrayList<>();
        for (JsonNode node : nodes) {
            if (!node.path("drv").asText().equals("qcow2") || !node.path("file").asText().equals(file.toString())) {
                continue;
            }
            for (JsonNode bitmap : node.path("dirty-bitmaps")) {
                if (bitmap.has("name")) {
                    bitmaps.add(new Bitmap(bitmap.path("name").asText(), bitmap.path("recording").asBoolean(),
                            bitmap.path("busy").asBoolean(), bitmap.path("persistent").asBoolean(),
                            bitmap.path("inconsistent").asBoolean(), bitmap.path("count").asLong()));
                }
            }
        }
        return bitmaps;
    }

    /** The names of the bitmaps {@code qemu-img info} lists in a qcow2 file (read with -U: it may be in use). */
    static List<String> bitmapsInFile(Path file) throws Exception {
        JsonNode info = new ObjectMapper().readTree(output("qemu-img", "info", "-U", "--output=json", file.toString()));
        List<String> names = new ArrayList<>();
        for (JsonNode bitmap : info.path("format-specific").path("data").path("bitmaps")) {
            names.add(bitmap.path("name").asText());
        }
        return names;
    }

    /** Destroys and undefines every domain made here; failures of one do not stop the others. */
    @Override
    public void close() {
        for (String name : created) {
            try {
                if (libvirt.domain(name).map(DomainInfo::active).orElse(false)) {
                    libvirt.destroy(name);
                }
                if (libvirt.domain(name).isPresent()) {
                    libvirt.undefine(name);
                }
            } catch (LibvirtException e) {
                System.err.println("cleanup of test domain " + name + " failed: " + e.getMessage());
            }
        }
        libvirt.close();
    }

    static synchronized String domainType() throws Exception {
        if (domainType == null) {
            String fromEnvironment = System.getenv("COFFER_DOMAIN_TYPE");
            domainType = fromEnvironment != null && !fromEnvironment.isBlank()
                    ? fromEnvironment.strip() : output(script("domain-type").toString()).strip();
        }
        return domainType;
    }

    /** A script in the repository's {@code scripts/}, found upwards from the working directory. */
    static Path script(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts").resolve(name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no scripts/" + name + " above " + Path.of("").toAbsolutePath());
    }

    static void run(String... command) throws IOException, InterruptedException {
        output(command);
    }

    /** Runs a command to completion; its stdout, or an AssertionError with its stderr when it fails. */
    static String output(String... command) throws IOException, InterruptedException {
        return output(java.util.Map.of(), command);
    }

    /** {@link #output(String...)} with extra environment variables. */
    static String output(java.util.Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(command));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(List.of(command) + " exited " + process.exitValue() + ": " + out
                    + stderr.join());
        }
        return out;
    }
}
