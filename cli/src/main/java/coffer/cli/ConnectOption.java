package coffer.cli;

import coffer.engine.error.Errors;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.Option;

/** {@code --connect URI}: the libvirt host (default {@code $LIBVIRT_DEFAULT_URI}, else {@code qemu:///system}). */
final class ConnectOption {
    @Option(names = {"--connect", "-c"}, paramLabel = "URI",
            description = "libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system).")
    String uri;

    Libvirt open() {
        String chosen = uri != null ? uri : System.getenv().getOrDefault("LIBVIRT_DEFAULT_URI", "qemu:///system");
        try {
            return Libvirt.connect(chosen);
        } catch (java.io.IOException e) {
            throw Errors.classify(e);
        }
    }
}
