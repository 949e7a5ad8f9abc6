package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.MountRecord;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.live.InstanceMount;
import coffer.engine.live.MountDirectory;
import coffer.engine.live.PointServer;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.MountResult;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A mount as a job that lasts as long as the mount (docs/design/live-access.md): serves the point's disk from the
 * vault on a socket in the mount's directory ({@link MountDirectory}; the server's lease keeps the point from
 * deletion), hot-plugs it into the running instance ({@link InstanceMount}), records it ({@code mounts}), then waits.
 * It ends at its expiry (succeeded, {@code EXPIRED}), when the instance stops ({@code INSTANCE_STOPPED}), on cancel
 * ({@code UNMOUNTED}) or when the server stops ({@code SERVER_STOPPED}): each way the disk is detached, the export
 * closed, the directory removed and the record ended. The clean-up runs on a thread of its own, so the repeated
 * interrupts of a cancel do not cut the guest's hot-unplug short.
 *
 * <p>Stateless; thread-safe.
 */
final class MountHandler implements JobHandler<MountDisk, MountResult> {
    /** How often a mount checks that its instance still has the disk. */
    static final Duration CHECK = Duration.ofSeconds(2);
    /** How long the guest has to let the disk go. */
    static final Duration DETACH_WAIT = Duration.ofSeconds(60);

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final java.nio.file.Path runtimeRoot;
    private final Clock clock;

    MountHandler(Catalog catalog, VaultDirectory vaults, java.nio.file.Path runtimeRoot, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.clock = clock;
    }

    @Override
    public MountResult run(MountDisk mount, Job job, JobContext context) throws Exception {
        PointRecord point = Lookup.point(catalog, mount.point());
        Instance instance = Lookup.liveInstance(catalog, mount.instance());
        Lookup.disk(point, mount.disk());
        Lookup.notMounted(catalog, point.id(), mount.disk(), instance, job.id());
        Instant created = clock.instant();
        Instant expires = created.plus(mount.lifetime());
        MountDirectory directory = MountDirectory.create(runtimeRoot, job.id());
        catalog.mounts().create(new MountRecord(job.id(), point.id(), mount.disk(), instance.id(), job.hostId(), null,
                directory.socket().toString(), created, expires, null, null, null));
        HostLink libvirt = null;
        PointServer server = null;
        InstanceMount.Attached attached = null;
        MountRecord.EndReason reason = MountRecord.EndReason.FAILED;
        String note = null;
        try {
            libvirt = new HostLink(hosts, job.hostId());
            server = PointServer.start(vaults.open(point.vault()), new PointServer.Request(point.id(), List.of(mount.disk()),
                    directory.socket(), null, PointServer.DEFAULT_CACHE_BYTES),
                    "mount of " + mount.disk() + " into " + instance.name() + " (job " + job.id() + ")");
            attached = new InstanceMount(libvirt.get()).attach(instance.name(), server.export(mount.disk()), serial(job.id()));
            catalog.mounts().attached(job.id(), attached.disk().target());
            context.info("point " + point.id() + " disk " + mount.disk() + " mounted into " + instance.name() + " as "
                    + attached.disk().target() + " (read-only) until " + expires);
            reason = serve(libvirt, attached, expires);
            note = reason == MountRecord.EndReason.INSTANCE_STOPPED ? "the instance stopped or let the disk go" : "expired";
            context.info(reason == MountRecord.EndReason.EXPIRED ? "expired at " + expires : "the instance no longer has the disk");
            return new MountResult(job.id(), point.id(), mount.disk(), instance.name(), attached.disk().target(), expires,
                    clock.instant(), reason.name());
        } catch (InterruptedException e) {
            String why = context.cancelReason();
            reason = "server stopping".equals(why) ? MountRecord.EndReason.SERVER_STOPPED : MountRecord.EndReason.UNMOUNTED;
            note = why;
            throw new CofferException(ErrorCode.Cancelled, "unmounted: " + (why == null ? "cancelled" : why));
        } catch (RuntimeException e) {
            note = Errors.classify(e).getMessage();
            throw e;
        } finally {
            end(job.id(), libvirt, server, attached, reason, note, context);
        }
    }

    /** Waits until the mount expires or the instance no longer has the disk; InterruptedException on cancel. */
    private MountRecord.EndReason serve(HostLink libvirt, InstanceMount.Attached attached, Instant expires)
            throws InterruptedException {
        while (true) {
            Duration left = Duration.between(clock.instant(), expires);
            if (left.isNegative() || left.isZero()) {
                return MountRecord.EndReason.EXPIRED;
            }
            Thread.sleep(left.compareTo(CHECK) < 0 ? left : CHECK);
            try {
                if (!new InstanceMount(libvirt.get()).attachedNow(attached)) {
                    return MountRecord.EndReason.INSTANCE_STOPPED;
                }
            } catch (coffer.virt.libvirt.LibvirtException | coffer.virt.domain.DomainDefinitionException | CofferException e) {
                // libvirt is restarting (a new connection is made at the next look): the disk is still there for all we
                // know; look again
            }
        }
    }

    /** Detaches, closes the export, removes the directory and ends the record: on a thread no cancel interrupts. */
    private void end(String id, HostLink libvirt, PointServer server, InstanceMount.Attached attached,
                     MountRecord.EndReason reason, String note, JobContext context) {
        String[] failure = new String[1];
        Thread cleanup = Thread.ofVirtual().name("mount-end-" + id).start(() -> {
            try {
                if (attached != null) {
                    new InstanceMount(libvirt.get()).detach(attached, DETACH_WAIT);
                    context.info("detached " + attached.disk().target() + " from " + attached.instance());
                }
            } catch (RuntimeException e) {
                failure[0] = Errors.classify(e).getMessage();
            } finally {
                if (server != null) {
                    server.close();
                }
                MountDirectory.remove(runtimeRoot, id);
                if (libvirt != null) {
                    libvirt.close();
                }
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                cleanup.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        Thread.interrupted(); // the catalog write below must not be cut by a cancel's interrupt
        MountRecord.EndReason ended = failure[0] != null ? MountRecord.EndReason.FAILED : reason;
        String detail = failure[0] != null ? failure[0] + (note == null ? "" : " (ending: " + note + ")") : note;
        catalog.mounts().ended(id, clock.instant(), ended, detail);
        if (failure[0] != null) {
            context.warning("the disk could not be detached: " + failure[0] + "; the export is closed, the guest reads errors");
            throw new CofferException(ErrorCode.HypervisorFailure, failure[0]);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The connection to the mount's host for as long as the mount lasts (hours or days): made again when libvirtd
     * restarted meanwhile. Used by the mount's own thread, then by its clean-up thread after it: not shared at once.
     */
    private static final class HostLink implements AutoCloseable {
        private final HostConnections hosts;
        private final String hostId;
        private Libvirt libvirt;

        HostLink(HostConnections hosts, String hostId) {
            this.hosts = hosts;
            this.hostId = hostId;
            this.libvirt = hosts.connect(hostId);
        }

        synchronized Libvirt get() {
            if (!libvirt.alive()) {
                libvirt.close();
                libvirt = hosts.connect(hostId);
            }
            return libvirt;
        }

        @Override
        public synchronized void close() {
            libvirt.close();
        }
    }

    /** The disk's serial as the guest sees it (/dev/disk/by-id/virtio-coffer-…): the mount id's first 13 characters. */
    static String serial(String mountId) {
        String plain = mountId.replaceAll("[^A-Za-z0-9]", "");
        return "coffer-" + plain.substring(0, Math.min(13, plain.length()));
    }
}
