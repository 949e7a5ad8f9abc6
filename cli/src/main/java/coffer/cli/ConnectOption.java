package coffer.cli;

import coffer.engine.error.Errors;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.Option;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** {@code --connect URI}: the libvirt host (default {@code $LIBVIRT_DEFAULT_URI}, else {@code qemu:///system}). */
final class ConnectOption {
    @Option(names = {"--connect", "-c"}, paramLabel = "URI",
            description = "libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system).")
    String uri;

    /**
     * Starts connecting on another thread and returns at once: a command opens its vault meanwhile (the
     * connection waits mostly on libvirtd, the vault on files and key set-up; ~0.1 s saved per command).
     */
    Pending openInBackground() {
        return new Pending(CompletableFuture.supplyAsync(this::open,
                task -> Thread.ofPlatform().daemon().name("libvirt-connect").start(task)));
    }

    /**
     * A connection being opened. {@link #get} hands it over (the caller closes it); closing a pending
     * connection that was never taken closes it once it is open, so an early failure of the command leaks none.
     */
    static final class Pending implements AutoCloseable {
        private final CompletableFuture<Libvirt> future;
        private boolean taken;

        private Pending(CompletableFuture<Libvirt> future) {
            this.future = future;
        }

        Libvirt get() {
            taken = true;
            try {
                return future.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            if (!taken) {
                future.thenAccept(Libvirt::close);
            }
        }
    }

    Libvirt open() {
        String chosen = uri != null ? uri : System.getenv().getOrDefault("LIBVIRT_DEFAULT_URI", "qemu:///system");
        try {
            return Libvirt.connect(chosen);
        } catch (java.io.IOException e) {
            throw Errors.classify(e);
        }
    }
}
