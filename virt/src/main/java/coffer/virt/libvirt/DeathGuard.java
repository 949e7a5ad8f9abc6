package coffer.virt.libvirt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@code virsh} command if this process dies before {@link #disarm}: for what must not outlive a
 * backup when its JVM is killed (kill -9, the OOM killer) with no chance to clean up, such as a guest's frozen
 * file systems ({@code domfsthaw}) or a paused domain ({@code resume}). In-process watchdogs cover a backup
 * that hangs; they die with the process.
 *
 * <p>The guard is a small detached helper ({@code setsid sh}, its own session, so Ctrl-C on the terminal does
 * not reach it) that reads a pipe from this process. {@link #disarm} writes {@code disarm} and closes the
 * pipe; the helper exits. When this process dies the kernel closes the pipe: the helper reads end of input
 * without the word and runs {@code virsh -c URI ARGS...}, retrying every second for up to 10 tries. Best
 * effort: where the helper cannot start (no {@code setsid}, no {@code sh}) the guard does nothing and says
 * so in {@link #armed}.
 *
 * <p>Thread-safe.
 */
public final class DeathGuard implements AutoCloseable {
    /** $0 is the URI, "$@" virsh's arguments. */
    private static final String SCRIPT = """
            read -r word
            [ "$word" = disarm ] && exit 0
            tries=0
            while [ "$tries" -lt 10 ]; do
              virsh -q -c "$0" "$@" >/dev/null 2>&1 && exit 0
              tries=$((tries + 1))
              sleep 1
            done
            exit 1
            """;

    private final Process helper;
    private boolean disarmed;

    private DeathGuard(Process helper) {
        this.helper = helper;
    }

    /** Arms a guard that runs {@code virsh -c uri args...} should this process die first. */
    public static DeathGuard virsh(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("setsid", "sh", "-c", SCRIPT, uri));
        command.addAll(List.of(args));
        try {
            return new DeathGuard(new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (IOException e) {
            return new DeathGuard(null);
        }
    }

    /** Whether a helper is watching (false where it could not be started). */
    public boolean armed() {
        return helper != null && helper.isAlive();
    }

    /** The work is done: the helper exits without running its command. Idempotent. */
    public synchronized void disarm() {
        if (disarmed || helper == null) {
            return;
        }
        disarmed = true;
        try (OutputStream pipe = helper.getOutputStream()) {
            pipe.write("disarm\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException gone) {
            // the helper is gone already: nothing left to stop
        }
    }

    /** The helper process (null where it could not be started): for tests that watch it end. */
    Process helper() {
        return helper;
    }

    @Override
    public void close() {
        disarm();
    }
}
