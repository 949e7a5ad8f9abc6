package coffer.virt.libvirt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM that opens an embedded QEMU driver through the binding and prints the names of the domains it sees,
 * one a line. Tests open an embedded driver only in a process of their own: once a process has opened one, its
 * {@code qemu:///system} connections fail ("Missing URI parameter 'root'", docs/design/agents.md), which would break
 * every later test of the same JVM.
 */
public final class EmbeddedDriverProcessMain {
    private EmbeddedDriverProcessMain() {
    }

    /** Argument: the embedded driver's URI. */
    public static void main(String[] args) throws Exception {
        try (Libvirt libvirt = Libvirt.connect(args[0])) {
            for (DomainInfo domain : libvirt.domains()) {
                System.out.println(domain.name());
            }
        }
    }

    /** Runs this main on {@code uri} (its output to {@code log}): exit code and output; fails after two minutes. */
    static Ran domainsOf(String uri, Path log) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, EmbeddedDriverProcessMain.class.getName(), uri));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("the embedded driver's process did not end within 2 minutes: "
                        + Files.readString(log));
            }
            return new Ran(process.exitValue(), Files.readString(log));
        } finally {
            process.destroyForcibly();
        }
    }

    /** A finished run: exit code and output. */
    record Ran(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }
}
