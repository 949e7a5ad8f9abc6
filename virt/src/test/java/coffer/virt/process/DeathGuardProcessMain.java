package coffer.virt.process;

import coffer.virt.agent.GuestAgent;
import coffer.virt.libvirt.Libvirt;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM that arms a {@link DeathGuard}, prints {@code armed}, and then either disarms it, waits for
 * its helper to end and exits, or waits to be killed. Guards: {@code virsh ARGS...} on a URI, or a guest's {@link GuestAgent#thawIfThisProcessDies}.
 */
public final class DeathGuardProcessMain {
    private DeathGuardProcessMain() {
    }

    /** Arguments: {@code wait|disarm}, URI, then {@code virsh ARGS...} or {@code thaw DOMAIN}. */
    public static void main(String[] args) throws Exception {
        DeathGuard guard;
        if (args[2].equals("thaw")) {
            guard = new GuestAgent(Libvirt.connect(args[1]), args[3]).thawIfThisProcessDies();
        } else {
            guard = DeathGuard.virsh(args[1], Arrays.copyOfRange(args, 2, args.length));
        }
        System.out.println(guard.armed() ? "armed" : "not armed");
        System.out.flush();
        if (args[0].equals("disarm")) {
            guard.disarm();
            // the helper is this process's child: wait for it to end, so a test knows it will never act
            Process helper = guard.helper();
            boolean ended = helper.waitFor(30, TimeUnit.SECONDS);
            System.out.println(ended ? "helper exited " + helper.exitValue() : "helper still running");
            return;
        }
        Thread.sleep(600_000);
    }

    /** The guarded process and its output after the line {@code armed}. */
    public record Guarded(Process process, BufferedReader output) {
    }

    /** Starts this main with {@code args} and returns once it has armed its guard. */
    public static Process start(String... args) throws Exception {
        return startGuarded(args).process();
    }

    /**
     * Like {@link #start}, keeping its output: in {@code disarm} mode it prints {@code helper exited N} once the
     * disarmed helper has ended (or {@code helper still running} after 30 s).
     */
    public static Guarded startGuarded(String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, DeathGuardProcessMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = output.readLine();
        if (!"armed".equals(first)) {
            process.destroyForcibly();
            throw new AssertionError("the guarded process did not arm its guard: " + first);
        }
        return new Guarded(process, output);
    }
}
