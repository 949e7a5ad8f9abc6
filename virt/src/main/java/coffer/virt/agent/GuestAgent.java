package coffer.virt.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import coffer.virt.process.DeathGuard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The QEMU guest agent of one domain ({@code virDomainQemuAgentCommand}). Every call takes a timeout (whole
 * seconds, at least 1: libvirt's unit) and throws {@link GuestAgentException} when the agent is absent,
 * silent or answers with an error.
 *
 * <p>Thread-safe as {@link Libvirt} is; the agent itself serializes commands.
 */
public final class GuestAgent {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Libvirt libvirt;
    private final String domain;

    public GuestAgent(Libvirt libvirt, String domain) {
        this.libvirt = libvirt;
        this.domain = domain;
    }

    public String domain() {
        return domain;
    }

    /** {@code guest-ping}: returns normally when the agent answers within {@code timeout}. */
    public void ping(Duration timeout) throws GuestAgentException {
        call("guest-ping", null, timeout);
    }

    /** {@code guest-get-osinfo}'s {@code id}, e.g. {@code debian} or {@code mswindows}; empty when not reported. */
    public String osId(Duration timeout) throws GuestAgentException {
        return call("guest-get-osinfo", null, timeout).path("id").asText("");
    }

    /** {@code guest-exec} with captured output: starts {@code path} with {@code args}; returns its pid. */
    public long exec(String path, List<String> args, Duration timeout) throws GuestAgentException {
        ObjectNode arguments = JSON.createObjectNode().put("path", path).put("capture-output", true);
        args.forEach(arguments.putArray("arg")::add);
        JsonNode pid = call("guest-exec", arguments, timeout).path("pid");
        if (!pid.canConvertToLong()) {
            throw badReply("guest-exec", "no pid in reply");
        }
        return pid.asLong();
    }

    /**
     * {@code guest-exec-status}. Once it reports the process exited, the agent forgets the pid: a second call
     * for it fails (COMMAND_FAILED).
     */
    public ExecStatus execStatus(long pid, Duration timeout) throws GuestAgentException {
        JsonNode r = call("guest-exec-status", JSON.createObjectNode().put("pid", pid), timeout);
        return new ExecStatus(r.path("exited").asBoolean(), r.path("exitcode").asInt(-1), r.path("signal").asInt(0),
                decode(r.path("out-data")), decode(r.path("err-data")),
                r.path("out-truncated").asBoolean() || r.path("err-truncated").asBoolean());
    }

    /**
     * Runs {@code path} in the guest and waits until it exits or {@code timeout} passes. On timeout the process
     * keeps running in the guest (the agent cannot kill it) and this throws UNRESPONSIVE naming the pid.
     * Interrupting the calling thread stops the wait the same way ({@link InterruptedException}).
     */
    public ExecStatus run(String path, List<String> args, Duration timeout)
            throws GuestAgentException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pid = exec(path, args, remaining(deadline));
        long pauseMillis = 10;
        while (true) {
            ExecStatus status = execStatus(pid, remaining(deadline));
            if (status.exited()) {
                return status;
            }
            if (System.nanoTime() >= deadline) {
                throw new GuestAgentException(GuestAgentException.Kind.UNRESPONSIVE, domain, "guest-exec " + path,
                        "still running after " + timeout.toMillis() + " ms (pid " + pid + " left running in the guest)",
                        null);
            }
            Thread.sleep(pauseMillis); // the agent has no "wait for exit": poll, backing off to 200 ms
            pauseMillis = Math.min(200, pauseMillis * 2);
        }
    }

    /** {@code guest-file-open}; {@code mode} as fopen ({@code r}, {@code w}, {@code a}, …). Returns the handle. */
    public long fileOpen(String path, String mode, Duration timeout) throws GuestAgentException {
        JsonNode handle = call("guest-file-open", JSON.createObjectNode().put("path", path).put("mode", mode), timeout);
        if (!handle.canConvertToLong()) {
            throw badReply("guest-file-open", "no handle in reply");
        }
        return handle.asLong();
    }

    /** Bytes read by {@link #fileRead} and whether the end of the file was reached. */
    public record FileRead(byte[] data, boolean eof) {
    }

    /** {@code guest-file-read} of at most {@code count} bytes. */
    public FileRead fileRead(long handle, int count, Duration timeout) throws GuestAgentException {
        JsonNode r = call("guest-file-read", JSON.createObjectNode().put("handle", handle).put("count", count), timeout);
        return new FileRead(Base64.getDecoder().decode(r.path("buf-b64").asText("")), r.path("eof").asBoolean());
    }

    /** {@code guest-file-write} of all of {@code data}; returns the count the agent wrote. */
    public int fileWrite(long handle, byte[] data, Duration timeout) throws GuestAgentException {
        ObjectNode arguments = JSON.createObjectNode().put("handle", handle)
                .put("buf-b64", Base64.getEncoder().encodeToString(data));
        return call("guest-file-write", arguments, timeout).path("count").asInt();
    }

    /** {@code guest-file-close}. */
    public void fileClose(long handle, Duration timeout) throws GuestAgentException {
        call("guest-file-close", JSON.createObjectNode().put("handle", handle), timeout);
    }

    /** {@code guest-fsfreeze-freeze}: freezes every file system the agent can; returns how many. */
    public int freeze(Duration timeout) throws GuestAgentException {
        return call("guest-fsfreeze-freeze", null, timeout).asInt();
    }

    /** {@code guest-fsfreeze-thaw}: returns how many file systems were thawed (0 when none was frozen). */
    public int thaw(Duration timeout) throws GuestAgentException {
        return call("guest-fsfreeze-thaw", null, timeout).asInt();
    }

    /** {@code guest-fsfreeze-status}. */
    /**
     * A guard that thaws this guest ({@code virsh domfsthaw}) should this process die before it is disarmed:
     * armed before a freeze, disarmed once the thaw is confirmed.
     */
    public DeathGuard thawIfThisProcessDies() {
        return DeathGuard.virsh(libvirt.uri(), "domfsthaw", domain);
    }

    public FreezeStatus freezeStatus(Duration timeout) throws GuestAgentException {
        String status = call("guest-fsfreeze-status", null, timeout).asText();
        return switch (status) {
            case "thawed" -> FreezeStatus.THAWED;
            case "frozen" -> FreezeStatus.FROZEN;
            default -> throw badReply("guest-fsfreeze-status", "unknown status '" + status + "'");
        };
    }

    /** Sends {@code execute} with {@code arguments} (may be null) and returns the reply's {@code return}. */
    JsonNode call(String execute, ObjectNode arguments, Duration timeout) throws GuestAgentException {
        ObjectNode command = JSON.createObjectNode().put("execute", execute);
        if (arguments != null) {
            command.set("arguments", arguments);
        }
        String reply;
        try {
            reply = libvirt.agentCommand(domain, command.toString(), seconds(timeout));
        } catch (LibvirtException e) {
            throw translate(execute, e);
        }
        try {
            JsonNode root = JSON.readTree(reply);
            if (root.has("error")) {
                throw new GuestAgentException(GuestAgentException.Kind.COMMAND_FAILED, domain, execute,
                        root.path("error").path("desc").asText(root.path("error").toString()), null);
            }
            return root.path("return");
        } catch (IOException e) {
            if (e instanceof GuestAgentException agentError) {
                throw agentError;
            }
            throw badReply(execute, "not JSON: " + reply);
        }
    }

    private GuestAgentException translate(String execute, LibvirtException e) {
        String message = e.libvirtMessage() == null ? e.getMessage() : e.libvirtMessage();
        GuestAgentException.Kind kind = switch (e.code()) {
            case LibvirtException.ARGUMENT_UNSUPPORTED, LibvirtException.OPERATION_INVALID,
                 LibvirtException.NO_DOMAIN -> GuestAgentException.Kind.NO_AGENT;
            case LibvirtException.AGENT_UNRESPONSIVE, LibvirtException.OPERATION_TIMEOUT ->
                    GuestAgentException.Kind.UNRESPONSIVE;
            default -> GuestAgentException.Kind.COMMAND_FAILED;
        };
        // libvirt wraps the agent's own text: "... unable to execute QEMU agent command 'guest-exec': <agent's>"
        String marker = "agent command '" + execute + "': ";
        int at = message.indexOf(marker);
        return new GuestAgentException(kind, domain, execute, at < 0 ? message : message.substring(at + marker.length()), e);
    }

    private GuestAgentException badReply(String execute, String detail) {
        return new GuestAgentException(GuestAgentException.Kind.BAD_REPLY, domain, execute, detail, null);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** libvirt's unit: whole seconds, at least 1 (0 and negatives mean "default", "block", "no wait"). */
    static int seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return (int) Math.clamp((millis + 999) / 1000, 1, Integer.MAX_VALUE);
    }

    private static String decode(JsonNode base64) {
        return base64.isMissingNode() || base64.isNull() ? ""
                : new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }
}
