package coffer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A throwaway real Linux guest (scripts/make-test-guest: cloud kernel, busybox, qemu-guest-agent) defined and
 * started in libvirt with direct kernel boot: root file system on {@code vda}, an empty ext4 data disk on
 * {@code vdb} mounted at {@code /data}, and (unless turned off) an {@code org.qemu.guest_agent.0} channel.
 * Its disks are qcow2 copies of the cached images in the test's directory. Domain type from
 * scripts/guest-domain-type ({@code qemu} on the machines here: TCG, about 4 s to the agent).
 *
 * <p>Test-side operations go through {@code virsh} (the agent as well), never through the code under test.
 * Agent facts this class works with (DESIGN §4): {@code guest-exec-status} reports a finished process once
 * and then forgets its pid; while frozen the agent refuses {@code guest-exec}.
 *
 * <p>Not thread-safe.
 */
public final class TestGuest implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URI = "qemu:///system";

    private final String name;
    private final Path dir;
    private final Path artifacts;
    private final boolean agentChannel;

    private TestGuest(String name, Path dir, Path artifacts, boolean agentChannel) {
        this.name = name;
        this.dir = dir;
        this.artifacts = artifacts;
        this.agentChannel = agentChannel;
    }

    /** Skips (or in CI fails) unless libvirt answers and the guest can be built. */
    public static void requireGuestSupport() {
        Environment.requireCommand("virsh");
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("mkfs.ext4");
        Environment.need(run(false, "virsh", "-c", URI, "version").exitCode() == 0, "libvirtd answering on " + URI);
        Environment.need(script("make-test-guest") != null, "scripts/make-test-guest");
    }

    /** Starts a guest with an agent channel and waits until its agent answers. */
    public static TestGuest start(Path dir) throws IOException {
        TestGuest guest = define(dir, true);
        try {
            guest.startDomain();
            // A wait for a condition: 180 s costs nothing when the guest answers in 5; a TCG guest under a CI load of
            // 30 printed nothing on its console within 60 s (CI-69).
            guest.awaitAgent(Duration.ofSeconds(180));
        } catch (RuntimeException e) {
            guest.close();
            throw e;
        }
        return guest;
    }

    /**
     * A guest domain made by something else (a restore of a test guest), to talk to its agent; {@link #close()}
     * destroys and undefines it.
     */
    public static TestGuest existing(String name, Path dir) {
        return new TestGuest(name, dir, null, true);
    }

    /** Defines (does not start) a guest; {@code agentChannel} false gives a domain without the channel. */
    public static TestGuest define(Path dir, boolean agentChannel) throws IOException {
        Path artifacts = Path.of(run(true, script("make-test-guest").toString()).output().trim());
        String type = run(true, script("guest-domain-type").toString(), artifacts.toString()).output().trim();
        String name = "coffer-it-guest-" + UUID.randomUUID().toString().substring(0, 8);
        TestGuest guest = new TestGuest(name, dir, artifacts, agentChannel);
        run(true, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", artifacts.resolve("root.ext4").toString(),
                guest.disk("vda").toString());
        run(true, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", artifacts.resolve("data.ext4").toString(),
                guest.disk("vdb").toString());
        Path xml = dir.resolve(name + ".xml");
        Files.writeString(xml, guest.domainXml(type));
        virsh("define", xml.toString());
        return guest;
    }

    private String domainXml(String type) throws IOException {
        DomainXml xml = DomainXml.of(type, name).description("coffer test guest").memoryMiB(192)
                .directKernel(artifacts.resolve("vmlinuz"), artifacts.resolve("initrd.img"),
                        Files.readString(artifacts.resolve("cmdline")).trim())
                .disk("vda", "qcow2", disk("vda")).disk("vdb", "qcow2", disk("vdb")).serialLog(console());
        if (agentChannel) {
            xml.agentChannel();
        }
        return xml.noBalloon().xml();
    }

    public String name() {
        return name;
    }

    /** The qcow2 file of {@code vda} (root) or {@code vdb} (data). */
    public Path disk(String target) {
        return dir.resolve(name + "-" + target + ".qcow2");
    }

    /** The serial console's log (kernel messages and "coffer-guest: up"). */
    public Path console() {
        return dir.resolve(name + "-console.log");
    }

    public void startDomain() {
        virsh("start", name);
    }

    /** Polls {@code guest-ping} until it answers; fails with the console's tail after {@code timeout}. */
    public Duration awaitAgent(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (run(false, "virsh", "-c", URI, "qemu-agent-command", name, "{\"execute\":\"guest-ping\"}",
                    "--timeout", "1").exitCode() == 0) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            pause(200);
        }
        throw new IllegalStateException("guest " + name + " did not answer guest-ping within " + timeout
                + "; console:\n" + consoleTail());
    }

    /** Runs an agent command (JSON) and returns its {@code return} value. */
    public JsonNode agent(String command) {
        String reply = run(true, "virsh", "-c", URI, "qemu-agent-command", name, command, "--timeout", "30").output();
        try {
            return JSON.readTree(reply).path("return");
        } catch (IOException e) {
            throw new IllegalStateException("agent reply is not JSON: " + reply, e);
        }
    }

    /** What a process run in the guest printed, and its exit code. */
    public record Exec(int exitCode, String out, String err) {
    }

    /** Runs {@code argv} in the guest ({@code guest-exec}) and waits until it exits. */
    public Exec exec(String... argv) {
        ObjectNode args = JSON.createObjectNode().put("path", argv[0]).put("capture-output", true);
        var arg = args.putArray("arg");
        for (int i = 1; i < argv.length; i++) {
            arg.add(argv[i]);
        }
        long pid = agent(command("guest-exec", args)).path("pid").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            // reported once: the agent forgets the pid after the status that says it exited
            JsonNode status = agent(command("guest-exec-status", JSON.createObjectNode().put("pid", pid)));
            if (status.path("exited").asBoolean()) {
                return new Exec(status.path("exitcode").asInt(-1), decode(status.path("out-data")),
                        decode(status.path("err-data")));
            }
            pause(50);
        }
        throw new IllegalStateException(String.join(" ", argv) + " still running in " + name + " after 60 s");
    }

    /** Starts {@code sh -c script} in the guest without waiting (e.g. a script that stops the agent itself). */
    public void spawn(String script) {
        ObjectNode args = JSON.createObjectNode().put("path", "/bin/sh");
        args.putArray("arg").add("-c").add(script);
        agent(command("guest-exec", args));
    }

    /** {@code sh -c script}; fails unless it exits 0. Returns its standard output. */
    public String shell(String script) {
        Exec result = exec("/bin/sh", "-c", script);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("in guest " + name + ": '" + script + "' exited " + result.exitCode()
                    + ": " + result.err());
        }
        return result.out();
    }

    /** Writes a file in the guest through {@code guest-file-open/write/close} (mode 0666, owner root). */
    public void writeFile(String path, byte[] content) {
        long handle = agent(command("guest-file-open", JSON.createObjectNode().put("path", path).put("mode", "w")))
                .asLong();
        try {
            for (int offset = 0; offset < content.length; offset += 48 * 1024) {
                int n = Math.min(48 * 1024, content.length - offset);
                String data = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(content, offset, offset + n));
                agent(command("guest-file-write", JSON.createObjectNode().put("handle", handle).put("buf-b64", data)));
            }
        } finally {
            agent(command("guest-file-close", JSON.createObjectNode().put("handle", handle)));
        }
    }

    /** SHA-256 (hex) of a file in the guest, computed by the guest. */
    public String sha256(String path) {
        return shell("sha256sum " + path).split("\\s+")[0];
    }

    /** {@code thawed} or {@code frozen}. */
    public String freezeStatus() {
        return agent("{\"execute\":\"guest-fsfreeze-status\"}").asText();
    }

    public String consoleTail() {
        try {
            String text = Files.exists(console()) ? Files.readString(console(), StandardCharsets.ISO_8859_1) : "";
            return text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(console unreadable: " + e.getMessage() + ")";
        }
    }

    /** Destroys and undefines the domain (its disk files stay in the test's directory). */
    @Override
    public void close() {
        run(false, "virsh", "-c", URI, "destroy", name);
        run(false, "virsh", "-c", URI, "undefine", name, "--checkpoints-metadata");
    }

    private static String command(String execute, ObjectNode arguments) {
        ObjectNode root = JSON.createObjectNode().put("execute", execute);
        root.set("arguments", arguments);
        return root.toString();
    }

    private static String decode(JsonNode base64) {
        return base64.isMissingNode() ? "" : new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Path script(String name) {
        for (Path p : List.of(Path.of("scripts", name), Path.of("..", "scripts", name))) {
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    static String virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", URI));
        command.addAll(List.of(args));
        return run(true, command.toArray(String[]::new)).output();
    }

    record Result(int exitCode, String output) {
    }

    static Result run(boolean check, String... command) {
        Path stderr = null;
        try {
            stderr = Files.createTempFile("coffer-test-guest", ".err");
            Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (check && code != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + code + "): "
                        + Files.readString(stderr) + output);
            }
            return new Result(code, output);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (stderr != null) {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // a temp file left in /tmp
                }
            }
        }
    }
}
