package coffer.cli;

import coffer.engine.image.ImageBackup;
import coffer.engine.image.ImageRestore;
import coffer.engine.vault.VaultOpener;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.image.DiskImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer image backup|restore}: points of disk image files and block devices, without libvirt. */
@Command(name = "image", description = "Back up and restore disk image files and block devices.",
        mixinStandardHelpOptions = true)
final class ImageCommand {

    @Command(name = "backup", description = {"Store one point holding the given disks (raw, qcow2, or another format qemu reads).",
            "Without --format a block device is raw, and a file is raw unless its header claims an image format "
                    + "(qcow2, qcow, qed, vdi, vhdx, vpc; vmdk must be named). An image whose header names another file "
                    + "(a backing file, a qcow2 data file, a VMDK descriptor's extents) is refused unless --follow-backing."},
            mixinStandardHelpOptions = true)
    static final class Backup implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin KeyringOption keyring;
        @Mixin VaultOption vaultOption;
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "Name of the point series; a later backup of the same name stores only changes.") String name;
        @Option(names = "--threads", paramLabel = "N", description = "Chunk workers per disk (default: two per core).") int threads;
        @Option(names = "--format", paramLabel = "FORMAT",
                description = "Format of every FILE: raw, qcow2, qcow, qed, vmdk, vdi, vhdx or vpc (default: see above).") String format;
        @Option(names = "--follow-backing",
                description = "Read the files an image's header names (backing file, qcow2 data file, VMDK extents), as part of the image.") boolean followBacking;
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Disk image files or block devices.") List<Path> files;

        @Override
        public Integer call() throws Exception {
            try (Vault vault = new VaultOpener(keyring.keyRing()).open(vaultOption.require());
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "backup")) {
                PointManifest point = new ImageBackup().run(vault, new ImageBackup.Request(name, files, threads,
                        format == null ? null : format.toLowerCase(java.util.Locale.ROOT), followBacking), bar);
                bar.close();
                if (common.json()) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("point", point);
                    result.put("seconds", bar.elapsed().toMillis() / 1000.0);
                    result.put("logicalMBps", bar.rateMBps());
                    Cli.out().json(result);
                } else {
                    Cli.out().line("Point %s of %s: %d disk(s), %s in %.1f s (%.0f MB/s)%s", point.id(), point.name(),
                            point.disks().size(), Output.bytes(point.logicalBytes()), bar.elapsed().toMillis() / 1000.0,
                            bar.rateMBps(), point.parent() == null ? "" : ", changes since " + point.parent());
                    Table disks = Table.rows("  ", 2);
                    for (PointManifest.Disk d : point.disks()) {
                        disks.row(d.name(), String.format(java.util.Locale.ROOT, "%s, read %s, %d new chunk(s) storing %s",
                                Output.bytes(d.size()), Output.bytes(d.readBytes()), d.newChunks(), Output.bytes(d.newStoredBytes())));
                    }
                    disks.print(Cli.out());
                }
            }
            return 0;
        }
    }

    @Command(name = "restore", description = "Write one disk of a point to a new file (sparse raw, or qcow2).",
            mixinStandardHelpOptions = true)
    static final class Restore implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin KeyringOption keyring;
        @Mixin VaultOption vaultOption;
        @Parameters(paramLabel = "POINT", description = "Point id, unique id prefix, or name (its newest point).") String point;
        @Option(names = "--disk", paramLabel = "DISK", description = "Disk to restore (needed when the point has several).") String disk;
        @Option(names = "--to", required = true, paramLabel = "FILE", description = "File to create.") Path target;
        @Option(names = "--format", paramLabel = "raw|qcow2", defaultValue = "raw",
                description = "Format of the new file (default: ${DEFAULT-VALUE}).") String format;
        @Option(names = "--force", description = "Replace FILE if it exists.") boolean force;
        @Option(names = "--threads", paramLabel = "N", description = "Chunk workers (default: one per core).") int threads;

        @Override
        public Integer call() throws Exception {
            coffer.virt.image.ImageFormat f = switch (format.toLowerCase(java.util.Locale.ROOT)) {
                case "raw" -> coffer.virt.image.ImageFormat.RAW;
                case "qcow2" -> coffer.virt.image.ImageFormat.QCOW2;
                default -> throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                        "--format must be raw or qcow2, got '" + format + "'");
            };
            try (Vault vault = new VaultOpener(keyring.keyRing()).open(vaultOption.require());
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "restore")) {
                ImageRestore.Result result = new ImageRestore().run(vault,
                        new ImageRestore.Request(point, disk, target, f, force, threads), bar);
                bar.close();
                if (common.json()) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("point", result.point().id());
                    json.put("disk", result.disk().name());
                    json.put("target", result.target().toAbsolutePath().toString());
                    json.put("format", format);
                    json.put("bytes", result.disk().size());
                    json.put("seconds", bar.elapsed().toMillis() / 1000.0);
                    json.put("logicalMBps", bar.rateMBps());
                    Cli.out().json(json);
                } else {
                    Cli.out().line("Restored disk %s of point %s to %s (%s, %s) in %.1f s", result.disk().name(),
                            result.point().id(), result.target(), format, Output.bytes(result.disk().size()),
                            bar.elapsed().toMillis() / 1000.0);
                }
            }
            return 0;
        }
    }
}
