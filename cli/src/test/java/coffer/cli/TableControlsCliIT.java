package coffer.cli;

import coffer.testing.Environment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's tables (and the instance list's lines, a name then its disks' table) print a libvirt domain's name with its bidirectional controls, C1 controls and line
 * separators escaped, as the console shows them (docs/cli.md, "Tables and times"): a domain named
 * {@code coffer-console22-<U+202E>gnp.exe<U+2066>x<U+2069><U+009B>31m<U+2028>y} (libvirt takes these; XML refuses ESC
 * itself, U+009B is its one-character form, the terminal's CSI) lists as
 * {@code coffer-console22-\u202egnp.exe\u2066x\u2069\u009b31m\u2028y} on one line, and no line of the table holds any of
 * those characters; JSON keeps the exact name. Before, the table printed the name as it is (checked: this test failed so).
 */
class TableControlsCliIT {
    private static final String CONTROLS = "\u202e\u2066\u2069\u009b\u2028";

    @TempDir Path dir;
    private String domain;

    @Test
    void instanceListEscapesTerminalAffectingCharactersInNames() throws Exception {
        Environment.requireCommand("virsh");
        Environment.need(run("virsh", "-c", "qemu:///system", "version").startsWith("ok"), "libvirtd answering");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        domain = "coffer-console22-" + tag + "-\u202egnp.exe\u2066x\u2069\u009b31m\u2028y";
        Path xml = dir.resolve("domain.xml");
        Files.writeString(xml, "<domain type='qemu'><name>" + domain + "</name><memory unit='MiB'>64</memory>"
                + "<os><type arch='x86_64'>hvm</type></os></domain>");
        String defined = run("virsh", "-c", "qemu:///system", "define", xml.toString());
        assertTrue(defined.startsWith("ok"), defined);
        Path keyRing = dir.resolve("keyring.json");

        CliRun list = CliRun.run(keyRing, "instance", "list").ok(); // offline: the local libvirt's domains
        String shown = "coffer-console22-" + tag + "-\\u202egnp.exe\\u2066x\\u2069\\u009b31m\\u2028y";
        long lines = list.out().lines().filter(l -> l.contains(shown)).count();
        assertEquals(1, lines, list.out());
        assertTrue(list.out().chars().noneMatch(c -> CONTROLS.indexOf(c) >= 0), "no control printed: " + list.out());

        CliRun json = CliRun.run(keyRing, "instance", "list", "--output", "json").ok();
        assertTrue(json.out().contains("coffer-console22-" + tag + "-\u202egnp.exe"), json.out());
    }

    @AfterEach
    void undefine() throws Exception {
        if (domain != null) {
            run("virsh", "-c", "qemu:///system", "undefine", domain);
        }
    }

    /** "ok …" on exit 0, else "failed …", with the output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return (p.waitFor() == 0 ? "ok " : "failed ") + output;
    }
}
