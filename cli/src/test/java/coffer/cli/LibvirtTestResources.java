package coffer.cli;

import coffer.testing.Environment;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The set-up and teardown the command line's libvirt tests share (a JUnit 5 extension, registered with
 * {@code @RegisterExtension}): a throwaway no-OS domain made by scripts/make-test-domain (libvirtd must answer, else the
 * test skips, and fails in CI), the instances a test restores from it, and what else it starts (servers, server
 * processes, databases, proxies). After each test, whatever its outcome, everything is undone in that order: first
 * what it started (the last first: a server cancels its jobs before its database closes), then the instances it
 * restored, then the domains. Best effort: one failing close does not keep the next from running. Not thread-safe:
 * one test at a time.
 */
final class LibvirtTestResources implements AfterEachCallback {
    static final Path SCRIPTS = Path.of("..", "scripts");

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Deque<AutoCloseable> restored = new ArrayDeque<>();
    private final Deque<AutoCloseable> domains = new ArrayDeque<>();

    /**
     * A new domain named {@code prefix} and a random suffix, its disks in {@code dir} ({@code options}: those of
     * scripts/make-test-domain, such as {@code --size-mb 16}); removed after the test.
     */
    String domain(Path dir, String prefix, String... options) throws Exception {
        Environment.requireCommand("virsh");
        Environment.need(ServerCliIT.run("virsh", "-c", "qemu:///system", "version").startsWith("ok"), "libvirtd answering");
        String domain = prefix + UUID.randomUUID().toString().substring(0, 8);
        List<String> command = new ArrayList<>(List.of(SCRIPTS.resolve("make-test-domain").toString(), domain,
                dir.toString()));
        command.addAll(List.of(options));
        removedLater(domain);
        String out = ServerCliIT.run(command.toArray(String[]::new));
        assertTrue(out.startsWith("ok"), out);
        return domain;
    }

    /**
     * A domain the test makes like the test domain (restored or cloned with its disks in the test's directory):
     * scripts/remove-test-domain removes it after the test, with the domains, the last made first.
     */
    String removedLater(String domain) {
        domains.push(() -> ServerCliIT.run(SCRIPTS.resolve("remove-test-domain").toString(), domain));
        return domain;
    }

    /**
     * An instance the test restores as {@code name}: destroyed and undefined (with its checkpoints' metadata) after the
     * test, if it was defined; its disks are left to the test's directory.
     */
    String restored(String name) {
        restored.push(() -> {
            ServerCliIT.run("virsh", "-c", "qemu:///system", "destroy", name);
            ServerCliIT.run("virsh", "-c", "qemu:///system", "undefine", name, "--checkpoints-metadata");
        });
        return name;
    }

    /** {@code resource}, closed after the test (before what was started before it). */
    <T extends AutoCloseable> T closeLater(T resource) {
        started.push(resource);
        return resource;
    }

    /** Closes {@code resource} now (a server the test stops), and not again after the test. */
    void closeNow(AutoCloseable resource) throws Exception {
        started.remove(resource);
        resource.close();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Deque<AutoCloseable> undo : List.of(started, restored, domains)) {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().close();
                } catch (Exception ignored) {
                    // best effort: the next closes must still run
                }
            }
        }
    }
}
