package coffer.cli;

import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.operation.RestoreInstant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code coffer restore disk|instance}: bring back a disk or a whole instance from an instance point. */
@Command(name = "restore", description = "Restore a disk or an instance from an instance point.",
        mixinStandardHelpOptions = true)
final class RestoreCommand {
    static final String POINT = "Point id, unique id prefix, or instance name (its newest point).";

    static final class DiskTarget {
        @Option(names = "--to", paramLabel = "FILE", description = "Write the disk to this new file.") Path to;
        @Option(names = "--in-place", description = "Write over the instance's own disk (file or block device; the instance must be shut off).") boolean inPlace;
    }

    @Command(name = "disk", description = "Restore one disk of a point to a file, or in place.", mixinStandardHelpOptions = true)
    static final class Disk implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(index = "0", paramLabel = "POINT", description = POINT) String point;
        @Parameters(index = "1", paramLabel = "DISK", description = "Disk target, e.g. vda.") String disk;
        @ArgGroup(exclusive = true, multiplicity = "1") DiskTarget target;
        @Option(names = "--format", paramLabel = "qcow2|raw", description = "Format of the new file (default: the disk's own).") String format;
        @Option(names = "--force", description = "Replace FILE if it exists.") boolean force;
        @Option(names = "--full", description = "With --in-place: write every byte of the point, not a quick rollback of what changed since the newest point (kept checkpoints; docs/design/change-tracking.md).") boolean full;
        @Option(names = "--threads", paramLabel = "N", description = "Offline: chunk workers (default: one per core).") int threads;
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws Exception {
            return JobRun.run(transport, common, new RestoreDisk(point, disk,
                    target.inPlace ? null : target.to.toAbsolutePath().toString(),
                    format == null ? null : format.toLowerCase(Locale.ROOT), target.inPlace, force, full), wait, threads, "restore");
        }
    }

    static final class InstanceTarget {
        @Option(names = "--name", paramLabel = "NEW", description = "Define a new instance with this name.") String name;
        @Option(names = "--in-place", description = "Restore over the original instance (it must be shut off).") boolean inPlace;
    }

    @Command(name = "instance", description = "Restore a whole instance: as a new one, or in place.", mixinStandardHelpOptions = true)
    static final class Instance implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", description = POINT) String point;
        @ArgGroup(exclusive = true, multiplicity = "1") InstanceTarget target;
        @Option(names = "--start", description = "Start the new instance.") boolean start;
        @Option(names = "--full", description = "With --in-place: write every byte of every disk, not a quick rollback of what changed since the newest point (kept checkpoints; docs/design/change-tracking.md).") boolean full;
        @Option(names = "--dir", paramLabel = "DIR", description = "Directory for the new disk files (offline default: beside the originals); with a server, and for --instant's overlays: beneath one of its restore directories.") Path dir;
        @Option(names = "--region", paramLabel = "REGION", description = "With a server: disaster recovery in REGION, from the point's replica there, on a host of REGION.") String region;
        @Option(names = "--vcpus", paramLabel = "N", description = "The new instance's vCPUs (default: as backed up).") Integer vcpus;
        @Option(names = "--memory-mib", paramLabel = "MIB", description = "The new instance's memory in MiB (default: as backed up).") Long memoryMiB;
        @Option(names = "--network", paramLabel = "OLD=NEW", description = "Attach the interfaces on network or bridge OLD to NEW instead (repeatable).") java.util.Map<String, String> networks;
        @Option(names = "--no-network", description = "Remove every network interface.") boolean noNetwork;
        @Option(names = "--filter", paramLabel = "NWFILTER", description = "Filter every interface's traffic with this libvirt network filter (the security group; it must exist on the host).") String filter;
        @Option(names = "--format", paramLabel = "qcow2|raw", description = "Format of the new disk files (default: each disk's own).") String format;
        @Option(names = "--threads", paramLabel = "N", description = "Offline: chunk workers (default: one per core).") int threads;
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;
        @Option(names = "--instant", description = "Through a server: start the new instance at once on the point, served from the vault, while its disks are copied to local files (--name; --dir must be a restore directory of the server).") boolean instant;
        @Option(names = "--copy-speed", paramLabel = "BYTES", description = "With --instant: the copy's speed limit per disk in bytes per second (default: none).") Long copySpeed;

        @Override
        public Integer call() throws Exception {
            if (instant || copySpeed != null) {
                transport.refuse(transport.offline(), "--instant", "the server serves the point while the instance runs");
                if (target.inPlace || start) {
                    throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                            "--instant makes a new, started instance: give --name, without --in-place or --start");
                }
                if (region != null || vcpus != null || memoryMiB != null || networks != null || noNetwork || filter != null
                        || format != null) {
                    throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                            "--instant restores the instance as backed up, in the point's region: without --region, --vcpus,"
                                    + " --memory-mib, --network, --no-network, --filter or --format");
                }
                return JobRun.run(transport, common, new RestoreInstant(point, target.name,
                        dir == null ? null : dir.toAbsolutePath().toString(), copySpeed), wait, threads, "instant restore");
            }
            return JobRun.run(transport, common, new RestoreInstance(point, target.inPlace ? null : target.name, start,
                    target.inPlace, dir == null ? null : dir.toAbsolutePath().toString(), region, vcpus, memoryMiB, networks,
                    noNetwork, format == null ? null : format.toLowerCase(Locale.ROOT), filter, full), wait, threads, "restore");
        }
    }
}
