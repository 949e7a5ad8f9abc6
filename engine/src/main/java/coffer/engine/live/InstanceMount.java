package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.domain.DomainDefinitionException;
import coffer.virt.domain.NbdDisk;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import coffer.virt.nbd.NbdExport;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Hot-plugs an NBD export of a point's disk into a running instance as a read-only virtio disk, and takes it out
 * again: the mechanics of {@code coffer mount}. The disk is attached to the live domain only (never to its
 * persistent definition), so it is gone when the instance stops and never outlives the export behind it in a
 * definition; the expiry, the records and the clean-up after a server restart belong to the mount jobs built on
 * this class.
 *
 * <p>Detaching needs the guest's cooperation (PCI hot-unplug): {@link #detach} asks, then waits until the disk
 * has left the live definition, and fails naming the instance if the guest keeps it.
 *
 * <p>Stateless apart from the connection; thread-safe.
 */
public final class InstanceMount {
    private static final Duration POLL = Duration.ofMillis(100);

    /** A disk attached by {@link #attach}: the instance and the guest device name it got. */
    public record Attached(String instance, NbdDisk disk) {
    }

    private final Libvirt libvirt;

    public InstanceMount(Libvirt libvirt) {
        this.libvirt = libvirt;
    }

    /**
     * Attaches {@code export} (served on a Unix socket) to the running {@code instance} under the first free
     * virtio device name, with serial {@code serial} (what the guest's {@code /dev/disk/by-id} shows; null for
     * none). Refuses an instance that is not running.
     */
    public Attached attach(String instance, NbdExport export, String serial) {
        if (!(export.address() instanceof UnixDomainSocketAddress unix)) {
            throw new CofferException(ErrorCode.InvalidArgument, "an instance mounts an export over a Unix socket, not " + export);
        }
        try {
            if (!libvirt.state(instance).active()) {
                throw new CofferException(ErrorCode.InstanceNotRunning, "instance " + instance
                        + " is not running; a point's disk is mounted into a running instance");
            }
            DomainDefinition live = DomainDefinition.parse(libvirt.domainXml(instance, false));
            NbdDisk disk = new NbdDisk(NbdDisk.freeTarget(live), Path.of(unix.getPath().toString()), export.name(), serial);
            libvirt.attachDevice(instance, disk.xml(), Libvirt.AFFECT_LIVE);
            return new Attached(instance, disk);
        } catch (LibvirtException | DomainDefinitionException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /**
     * Detaches the disk and waits up to {@code timeout} until it has left the instance's live definition. An
     * instance that stopped meanwhile has lost the disk already: that counts as detached.
     */
    public void detach(Attached attached, Duration timeout) {
        try {
            if (!attachedNow(attached)) {
                return;
            }
            try {
                libvirt.detachDevice(attached.instance(), attached.disk().detachXml(), Libvirt.AFFECT_LIVE);
            } catch (LibvirtException e) {
                if (attachedNow(attached)) {
                    throw e;
                }
                return; // the instance stopped or let go meanwhile
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (attachedNow(attached)) {
                if (System.nanoTime() > deadline) {
                    throw new CofferException(ErrorCode.HypervisorFailure, "instance " + attached.instance()
                            + " still holds disk " + attached.disk().target() + " " + timeout.toSeconds()
                            + " s after it was asked to release it (the guest did not answer the hot-unplug)");
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.Cancelled, "cancelled while detaching " + attached.disk().target()
                    + " from " + attached.instance());
        } catch (LibvirtException | DomainDefinitionException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /**
     * Whether the running instance's live definition still has the disk, reading this disk's socket (false when it no
     * longer runs, or the target now names another disk).
     */
    public boolean attachedNow(Attached attached) throws LibvirtException, DomainDefinitionException {
        if (libvirt.domain(attached.instance()).isEmpty() || !libvirt.state(attached.instance()).active()) {
            return false;
        }
        return attached.disk().socket().toString().equals(DomainDefinition.parse(libvirt.domainXml(attached.instance(), false))
                .nbdSockets().get(attached.disk().target()));
    }
}
