package coffer.virt.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A separate JVM that starts a {@link DeathGuard#virshOnceUnarmed} guard, arms it or not, prints its helper's pid, and
 * waits to be killed: for tests of what the helper does when this process dies before or after {@link DeathGuard#arm}.
 */
public final class UnarmedGuardProcessMain {
    private UnarmedGuardProcessMain() {
    }

    /** Arguments: {@code unarmed|armed}, URI, then virsh's arguments. */
    public static void main(String[] args) throws Exception {
        DeathGuard guard = DeathGuard.virshOnceUnarmed(args[1], Arrays.copyOfRange(args, 2, args.length));
        boolean watchingBefore = guard.armed();
        if (args[0].equals("armed")) {
            guard.arm();
        }
        System.out.println("helper " + guard.helper().pid() + " watching before arm: " + watchingBefore + ", now: "
                + guard.armed());
        System.out.flush();
        Thread.sleep(600_000);
    }

    /** The guarded process and the line it printed once its guard was started (and armed if asked). */
    public record Guarded(Process process, long helperPid, String line) {
    }

    /** Starts this main with {@code args}; returns once it has printed its helper's pid. */
    public static Guarded start(String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, UnarmedGuardProcessMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = output.readLine();
        if (line == null || !line.startsWith("helper ")) {
            process.destroyForcibly();
            throw new AssertionError("the guarded process did not start its guard: " + line);
        }
        return new Guarded(process, Long.parseLong(line.split(" ")[1]), line);
    }
}
