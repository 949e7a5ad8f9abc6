package coffer.cli;

import coffer.engine.instance.InstanceDiscovery;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer instance list}. */
@Command(name = "instance", description = "Instances (libvirt domains) on a host.", mixinStandardHelpOptions = true,
        subcommands = {InstanceCommand.ListInstances.class})
final class InstanceCommand {

    @Command(name = "list", description = "Domains with state and disks, and whether each disk can be backed up.",
            mixinStandardHelpOptions = true)
    static final class ListInstances implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ConnectOption connect;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            if (connect.uri == null && server.client().isPresent()) {
                var answer = server.client().orElseThrow().get("/api/v1/instances");
                if (common.json()) {
                    Cli.out().json(answer);
                    return 0;
                }
                for (var i : answer.path("instances")) {
                    Cli.out().line("%s  %s  %s  host %s%s", i.path("name").asText(), i.path("state").asText(), i.path("id").asText(),
                            i.path("host").asText(), i.path("protected").asBoolean() ? "  [protected]" : "");
                    for (var d : i.path("disks")) {
                        Cli.out().line("    %-5s %-6s %-6s %10s virtual %10s allocated  %s%s", d.path("target").asText(),
                                d.path("device").asText(), d.path("format").asText("-"), Output.bytes(d.path("virtualSize").asLong()),
                                Output.bytes(d.path("allocatedSize").asLong()), d.path("source").asText("(empty)"),
                                d.path("supported").asBoolean() ? "" : "  [not backed up: " + d.path("unsupportedReason").asText() + "]");
                    }
                }
                return 0;
            }
            try (Libvirt libvirt = connect.open()) {
                List<InstanceDiscovery.Instance> instances = new InstanceDiscovery(libvirt).list();
                if (common.json()) {
                    Cli.out().json(instances);
                    return 0;
                }
                for (InstanceDiscovery.Instance i : instances) {
                    Cli.out().line("%s  %s  %s%s", i.name(), i.state(), i.uuid(), i.persistent() ? "" : "  (transient)");
                    for (InstanceDiscovery.Disk d : i.disks()) {
                        Cli.out().line("    %-5s %-6s %-6s %10s virtual %10s allocated  %s%s", d.target(), d.device(),
                                d.format() == null ? "-" : d.format(), d.virtualSize() < 0 ? "?" : Output.bytes(d.virtualSize()),
                                d.allocatedSize() < 0 ? "?" : Output.bytes(d.allocatedSize()), d.source() == null ? "(empty)" : d.source(),
                                d.backupable() ? "" : "  [not backed up: " + d.reason() + "]");
                    }
                }
                return 0;
            }
        }
    }
}
