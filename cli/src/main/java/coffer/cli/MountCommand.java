package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.JobView;
import coffer.engine.operation.ListMounts;
import coffer.engine.operation.MountList;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.MountView;
import coffer.engine.operation.Operations;
import coffer.engine.operation.ShowJob;
import coffer.engine.operation.UnmountDisk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code coffer mount POINT DISK --instance TARGET [--expires 12h]}, {@code coffer mount list} and
 * {@code coffer unmount MOUNT} (need a server: the server serves a mounted point for as long as the mount lasts).
 */
@Command(name = "mount", description = "Mount a point's disk read-only into a running instance (through a server); 'mount list' shows the mounts.",
        mixinStandardHelpOptions = true)
final class MountCommand implements Callable<Integer> {
    private static final Duration ATTACH_WAIT = Duration.ofMinutes(5);

    @Mixin CommonOptions common;
    @Mixin ServerOption server;
    @Parameters(index = "0", arity = "0..1", paramLabel = "POINT", description = RestoreCommand.POINT) String point;
    @Parameters(index = "1", arity = "0..1", paramLabel = "DISK", description = "The point's disk, e.g. vdb.") String disk;
    @Option(names = "--instance", paramLabel = "TARGET", description = "The running instance to mount it into (name or UUID).") String instance;
    @Option(names = "--expires", paramLabel = "LIFETIME", description = "How long the mount stays: 90s, 30min, 12h, 7d (default: 1 day, at most 30 days).") String expires;

    /** Starts the mount job and waits until the disk is attached (or the job failed); shows the mount. */
    @Override
    public Integer call() throws InterruptedException {
        if (point == null || disk == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "give POINT and DISK: coffer mount POINT DISK --instance TARGET");
        }
        Operations operations = server.operations();
        JobView job = operations.start(new MountDisk(point, disk, instance, expires)).job().orElseThrow();
        long deadline = System.nanoTime() + ATTACH_WAIT.toNanos();
        while (true) {
            JobView now = operations.call(new ShowJob(job.id()));
            if (now.error() != null) {
                throw new CofferException(code(now.error().code()), now.error().message());
            }
            MountView mount = operations.call(new ListMounts(true)).mounts().stream().filter(m -> m.id().equals(job.id()))
                    .findFirst().orElse(null);
            if (mount != null && mount.target() != null) {
                Render.result(common, mount);
                return 0;
            }
            if (now.state().isFinal() || System.nanoTime() > deadline) {
                throw new CofferException(ErrorCode.HypervisorFailure, "mount job " + job.id() + " is " + now.state()
                        + " and its disk is not attached; see 'coffer job log " + job.id() + "'");
            }
            Thread.sleep(300);
        }
    }

    private static ErrorCode code(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.Internal;
        }
    }

    @Command(name = "list", description = "Active mounts with their expiry (--all: also those that ended), newest first;"
            + " every page unless --limit is given.", mixinStandardHelpOptions = true)
    static final class ListMounts_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--all", description = "Also the mounts that ended.") boolean all;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N mounts (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListMounts first = new ListMounts(all, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first, MountList::nextCursor,
                    next -> new ListMounts(all, next, null),
                    pages -> MountList.of(pages.stream().flatMap(page -> page.mounts().stream()).toList()));
        }
    }

    /** {@code coffer unmount MOUNT}. */
    @Command(name = "unmount", description = "Detach a mounted point's disk from its instance (through a server).", mixinStandardHelpOptions = true)
    static final class Unmount implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "MOUNT", description = "The mount's id, as 'coffer mount list' shows it.") String mount;
        @Option(names = "--wait", description = "Wait until the guest has let the disk go, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            return JobRun.follow(server.operations().start(new UnmountDisk(mount)), common, wait, "unmount");
        }
    }
}
