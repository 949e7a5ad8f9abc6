package coffer.virt.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@code virsh} command, stops one child process or removes one file if this process dies before
 * {@link #disarm}: for what must not outlive a backup or restore when its JVM is killed (kill -9, the OOM killer) with
 * no chance to clean up, such as a guest's frozen file systems ({@code domfsthaw}), a paused domain ({@code resume}), a
 * {@code qemu-nbd} serving a disk ({@link #stop}: it would hold the image's lock, so the domain could not start) or a
 * restore's temporary file ({@link #removeFile}). In-process watchdogs cover a backup that hangs; they die with the
 * process.
 *
 * <p>The guard is a small detached helper ({@code setsid sh}, its own session, so Ctrl-C on the terminal does
 * not reach it) that reads a pipe from this process. {@link #disarm} writes {@code disarm} and closes the
 * pipe; the helper exits. When this process dies the kernel closes the pipe: the helper reads end of input
 * without the word and acts: {@link #virsh} runs {@code virsh -c URI ARGS...}, retrying every second for up to 10
 * tries; {@link #virshOnce}, {@link #stop} and {@link #removeFile} act once. Best
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

    /**
     * $0 is the pid, $1 the command name its {@code /proc/PID/comm} must still show (a pid reused meanwhile is left
     * alone; an exited one not yet reaped, a zombie, no longer counts), $2 a directory to remove afterwards (may be
     * empty).
     */
    private static final String STOP_SCRIPT = """
            read -r word
            [ "$word" = disarm ] && exit 0
            pid=$0 name=$1 dir=$2
            ours() {
              [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$name" ] || return 1
              state=$(sed 's/.*) //' /proc/"$pid"/stat 2>/dev/null | cut -c1)
              [ -n "$state" ] && [ "$state" != Z ]
            }
            if ours; then
              kill -TERM "$pid" 2>/dev/null
              tries=0
              while ours && [ "$tries" -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
              ours && kill -KILL "$pid" 2>/dev/null
            fi
            [ -n "$dir" ] && rm -rf -- "$dir"
            exit 0
            """;

    /** $0 is the URI, "$@" virsh's arguments: one try. */
    private static final String ONCE_SCRIPT = """
            read -r word
            [ "$word" = disarm ] && exit 0
            virsh -q -c "$0" "$@" >/dev/null 2>&1
            """;

    /**
     * {@link #ONCE_SCRIPT} behind a first word: the helper acts only once it has read {@code arm}; the end of input
     * before that (this process died before {@link #arm}) or any other word ({@link #disarm}) ends it without acting.
     */
    private static final String UNARMED_ONCE_SCRIPT = """
            read -r word
            [ "$word" = arm ] || exit 0
            """ + ONCE_SCRIPT;

    /** $0 is the file to remove. */
    private static final String REMOVE_SCRIPT = """
            read -r word
            [ "$word" = disarm ] && exit 0
            rm -f -- "$0"
            exit 0
            """;

    private final Process helper;
    private boolean disarmed;
    /** Started by {@link #virshOnceUnarmed} and not yet {@link #arm armed}: the helper would not act. */
    private boolean unarmed;

    private DeathGuard(Process helper) {
        this.helper = helper;
    }

    /** Arms a guard that runs {@code virsh -c uri args...} should this process die first. */
    public static DeathGuard virsh(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("setsid", "sh", "-c", SCRIPT, uri));
        command.addAll(List.of(args));
        return start(command);
    }

    /**
     * Arms a guard that runs {@code virsh -c uri args...} once, without retrying, should this process die first: for
     * a command that must not find something else later (a {@code domjobabort} that, tried again, could end a job
     * another process started on the domain meanwhile).
     */
    public static DeathGuard virshOnce(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("setsid", "sh", "-c", ONCE_SCRIPT, uri));
        command.addAll(List.of(args));
        return start(command);
    }

    /**
     * Starts the helper of a {@link #virshOnce} guard that does nothing until {@link #arm}: the helper's process (a
     * {@code setsid sh}, tens of milliseconds to start on a loaded host) is made ahead, off the path of the work it
     * guards, while the window in which it would act still opens only with {@link #arm} (a backup's
     * {@code domjobabort}, armed right before {@code backup-begin}: docs/performance.md, session 25). Should this
     * process die before {@link #arm}, or {@link #disarm} come first, the helper ends without acting.
     */
    public static DeathGuard virshOnceUnarmed(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("setsid", "sh", "-c", UNARMED_ONCE_SCRIPT, uri));
        command.addAll(List.of(args));
        DeathGuard guard = start(command);
        guard.unarmed = guard.helper != null;
        return guard;
    }

    /**
     * Arms a guard {@link #virshOnceUnarmed} started: from now on the helper acts should this process die. Nothing
     * for a guard armed already or disarmed. Where the helper is gone (it could not be told), {@link #armed} says so.
     */
    public synchronized void arm() {
        if (!unarmed || disarmed) {
            return;
        }
        unarmed = false;
        try {
            OutputStream pipe = helper.getOutputStream();
            pipe.write("arm\n".getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException gone) {
            disarmed = true; // the helper is gone: it will not act, nor can it be told anything more
        }
    }

    /**
     * Arms a guard that stops process {@code pid} should this process die first: SIGTERM (qemu-nbd then flushes and
     * stores its persistent bitmaps), SIGKILL if it still runs 5 s later, each only while the process's
     * {@code /proc/PID/comm} is still {@code name}; then removes {@code directory} (its private runtime directory;
     * null: none).
     */
    public static DeathGuard stop(long pid, String name, java.nio.file.Path directory) {
        return start(List.of("setsid", "sh", "-c", STOP_SCRIPT, Long.toString(pid), name,
                directory == null ? "" : directory.toAbsolutePath().toString()));
    }

    /**
     * Arms a guard that removes {@code file} should this process die first: a temporary that only this process would
     * have removed or renamed (a restore's {@code <file>.coffer-restore}, as large as the disk). Renamed before this
     * process died, the name is gone and nothing is removed.
     */
    public static DeathGuard removeFile(java.nio.file.Path file) {
        return start(List.of("setsid", "sh", "-c", REMOVE_SCRIPT, file.toAbsolutePath().toString()));
    }

    private static DeathGuard start(List<String> command) {
        try {
            return new DeathGuard(new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (IOException e) {
            return new DeathGuard(null);
        }
    }

    /**
     * Whether a helper is watching (false where it could not be started, and for a {@link #virshOnceUnarmed} guard
     * until {@link #arm}).
     */
    public synchronized boolean armed() {
        return helper != null && !unarmed && helper.isAlive();
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
