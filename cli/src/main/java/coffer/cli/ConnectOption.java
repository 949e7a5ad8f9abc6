package coffer.cli;

import picocli.CommandLine.Option;

/** {@code --connect URI}: the libvirt host (default {@code $LIBVIRT_DEFAULT_URI}, else {@code qemu:///system}). */
final class ConnectOption {
    @Option(names = {"--connect", "-c"}, paramLabel = "URI",
            description = "Offline: the libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system).")
    String uri;

    String resolved() {
        return uri != null ? uri : Cli.environment().getOrDefault("LIBVIRT_DEFAULT_URI", "qemu:///system");
    }
}
