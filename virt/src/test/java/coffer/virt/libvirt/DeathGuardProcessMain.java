package coffer.virt.libvirt;

import coffer.virt.agent.GuestAgent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A separate JVM that arms a {@link DeathGuard}, prints {@code armed}, and then either disarms it and exits
 * or waits to be killed. Guards: {@code virsh ARGS...} on a URI, or a guest's {@link GuestAgent#thawIfThisProcessDies}.
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
            return;
        }
        Thread.sleep(600_000);
    }

    /** Starts this main with {@code args} and returns once it has armed its guard. */
    public static Process start(String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, DeathGuardProcessMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"armed".equals(first)) {
            process.destroyForcibly();
            throw new AssertionError("the guarded process did not arm its guard: " + first);
        }
        return process;
    }
}
