package coffer.virt.image;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate JVM that serves a qcow2 image writable through a {@link QemuNbdServer} (as an in-place restore's quick
 * rollback does, with a persistent bitmap), prints {@code serving PID DIRECTORY} and waits to be killed.
 */
public final class QemuNbdServerProcessMain {
    private QemuNbdServerProcessMain() {
    }

    /** Arguments: the image, the runtime parent, the bitmap to expose. */
    public static void main(String[] args) throws Exception {
        QemuNbdServer server = QemuNbdServer.start(Path.of(args[0]), QemuNbdServer.Options.writable("qcow2")
                .withRuntimeParent(Path.of(args[1])).withBitmaps(List.of(args[2])));
        System.out.println("serving " + server.pid() + " " + server.socket().getParent());
        System.out.flush();
        Thread.sleep(600_000);
    }

    /** The process serving, its qemu-nbd's pid and that server's private directory. */
    record Serving(Process process, long qemuNbd, Path directory) {
    }

    /** Starts this main and returns once its qemu-nbd serves. */
    static Serving start(Path image, Path runtimeParent, String bitmap) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, QemuNbdServerProcessMain.class.getName(),
                image.toString(), runtimeParent.toString(), bitmap));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = output.readLine();
        if (first == null || !first.startsWith("serving ")) {
            process.destroyForcibly();
            throw new AssertionError("the serving process did not start its qemu-nbd: " + first);
        }
        String[] words = first.split(" ", 3);
        return new Serving(process, Long.parseLong(words[1]), Path.of(words[2]));
    }
}
