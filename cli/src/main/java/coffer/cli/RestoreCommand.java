package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.vault.VaultOpener;
import coffer.vault.Vault;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer restore disk|instance}: bring back a disk or a whole instance from an instance point. */
@Command(name = "restore", description = "Restore a disk or an instance from an instance point.",
        mixinStandardHelpOptions = true, subcommands = {RestoreCommand.Disk.class, RestoreCommand.Instance.class})
final class RestoreCommand {

    static final class DiskTarget {
        @Option(names = "--to", paramLabel = "FILE", description = "Write the disk to this new file.") Path to;
        @Option(names = "--in-place", description = "Write over the instance's own disk (the instance must be shut off).") boolean inPlace;
    }

    @Command(name = "disk", description = "Restore one disk of a point to a file, or in place.", mixinStandardHelpOptions = true)
    static final class Disk implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Mixin ConnectOption connect;
        @Parameters(index = "0", paramLabel = "POINT") String point;
        @Parameters(index = "1", paramLabel = "DISK", description = "Disk target, e.g. vda.") String disk;
        @ArgGroup(exclusive = true, multiplicity = "1") DiskTarget target;
        @Option(names = "--format", paramLabel = "qcow2|raw", description = "Format of the new file (default: the disk's own).") String format;
        @Option(names = "--force", description = "Replace FILE if it exists.") boolean force;
        @Mixin ServerOption server;
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws Exception {
            if (vaultOption.vault == null && server.client().isPresent()) {
                ApiClient client = server.client().orElseThrow();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("disk", disk);
                if (target.inPlace) {
                    body.put("inPlace", true);
                } else {
                    body.put("to", target.to.toAbsolutePath().toString());
                }
                if (format != null) {
                    body.put("format", format.toLowerCase(Locale.ROOT));
                }
                return JobWait.follow(client, client.post("/api/v1/points/" + ApiClient.segment(point) + "/restore-disk", body),
                        wait, common, "restore");
            }
            ImageFormat f = format == null ? null : switch (format.toLowerCase(Locale.ROOT)) {
                case "raw" -> ImageFormat.RAW;
                case "qcow2" -> ImageFormat.QCOW2;
                default -> throw new CofferException(ErrorCode.InvalidArgument, "--format must be raw or qcow2, got '" + format + "'");
            };
            try (ConnectOption.Pending connecting = connect.openInBackground();
                 Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
                 Libvirt libvirt = connecting.get();
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "restore")) {
                InstanceRestore.DiskResult result = new InstanceRestore(libvirt, vault, 0)
                        .disk(point, disk, target.inPlace ? null : target.to, f, force, bar);
                bar.close();
                if (common.json()) {
                    Cli.out().json(Map.of("point", result.point().id(), "disk", result.disk(), "file", result.file().toString(),
                            "seconds", bar.elapsed().toMillis() / 1000.0, "logicalMBps", bar.rateMBps()));
                } else {
                    Cli.out().line("Restored disk %s of point %s to %s in %.1f s", result.disk(), result.point().id(),
                            result.file(), bar.elapsed().toMillis() / 1000.0);
                }
                return 0;
            }
        }
    }

    static final class InstanceTarget {
        @Option(names = "--name", paramLabel = "NEW", description = "Define a new instance with this name.") String name;
        @Option(names = "--in-place", description = "Restore over the original instance (it must be shut off).") boolean inPlace;
    }

    @Command(name = "instance", description = "Restore a whole instance: as a new one, or in place.", mixinStandardHelpOptions = true)
    static final class Instance implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Mixin ConnectOption connect;
        @Parameters(paramLabel = "POINT") String point;
        @ArgGroup(exclusive = true, multiplicity = "1") InstanceTarget target;
        @Option(names = "--start", description = "Start the new instance.") boolean start;
        @Option(names = "--dir", paramLabel = "DIR", description = "Directory for the new disk files (default: beside the originals).") Path dir;
        @Mixin ServerOption server;
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws Exception {
            if (vaultOption.vault == null && server.client().isPresent()) {
                if (dir != null) {
                    throw new CofferException(ErrorCode.InvalidArgument, "--dir is for offline restores; the server writes new disks beside the originals");
                }
                ApiClient client = server.client().orElseThrow();
                Map<String, Object> body = new LinkedHashMap<>();
                if (target.inPlace) {
                    body.put("inPlace", true);
                } else {
                    body.put("name", target.name);
                }
                body.put("start", start);
                return JobWait.follow(client, client.post("/api/v1/points/" + ApiClient.segment(point) + "/restore-instance", body),
                        wait, common, "restore");
            }
            try (ConnectOption.Pending connecting = connect.openInBackground();
                 Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
                 Libvirt libvirt = connecting.get();
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "restore")) {
                InstanceRestore restore = new InstanceRestore(libvirt, vault, 0);
                InstanceRestore.InstanceResult result = target.inPlace ? restore.inPlace(point, bar)
                        : restore.asNewInstance(point, target.name, dir, start, bar);
                bar.close();
                if (common.json()) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("point", result.point().id());
                    json.put("instance", result.name());
                    json.put("disks", result.disks());
                    json.put("started", result.started());
                    json.put("seconds", bar.elapsed().toMillis() / 1000.0);
                    json.put("logicalMBps", bar.rateMBps());
                    Cli.out().json(json);
                } else {
                    Cli.out().line("Restored point %s as instance %s%s", result.point().id(), result.name(),
                            result.started() ? " (started)" : "");
                    result.disks().forEach((d, file) -> Cli.out().line("  %-6s %s", d, file));
                }
                return 0;
            }
        }
    }
}
