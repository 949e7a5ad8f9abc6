package coffer.engine.instance;

import coffer.engine.error.Errors;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.libvirt.BlockInfo;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of one libvirt host with their disks: target, format, virtual and allocated size, and
 * whether each can be backed up (with the reason when not). Reads only. The format is the domain XML's driver
 * type and the sizes are libvirt's ({@code virDomainGetBlockInfo}, which reads the image in that format):
 * nothing is probed from a disk's content, which its guest writes.
 *
 * <p>Thread-safe as far as its {@link Libvirt} is.
 */
public final class InstanceDiscovery {
    private final Libvirt libvirt;

    public InstanceDiscovery(Libvirt libvirt) {
        this.libvirt = libvirt;
    }

    /** One disk as a user sees it; sizes are -1 when the image cannot be inspected (with {@code note}). */
    public record Disk(String target, String device, String format, String source, long virtualSize,
                       long allocatedSize, boolean backupable, String reason) {
    }

    public record Instance(String name, String uuid, String state, boolean persistent, List<Disk> disks) {
    }

    public List<Instance> list() {
        try {
            List<Instance> result = new ArrayList<>();
            for (DomainInfo domain : libvirt.domains()) {
                try {
                    result.add(describe(domain));
                } catch (LibvirtException e) {
                    if (e.code() != LibvirtException.NO_DOMAIN) {
                        throw e;
                    }
                    // undefined since it was listed: not an instance any more
                }
            }
            return result;
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    private Instance describe(DomainInfo domain) throws IOException {
        DomainDefinition definition = DomainDefinition.parse(libvirt.domainXml(domain.name(), false));
        List<Disk> disks = new ArrayList<>();
        for (DiskSpec spec : definition.disks()) {
            long virtual = -1;
            long allocated = -1;
            String reason = spec.unsupportedReason().orElse(null);
            if (spec.source() != null && ("file".equals(spec.type()) || "block".equals(spec.type()))) {
                try {
                    BlockInfo info = libvirt.blockInfo(domain.name(), spec.target());
                    virtual = info.capacity();
                    allocated = info.allocation();
                } catch (LibvirtException e) {
                    reason = reason != null ? reason : "cannot read the image: " + e.getMessage();
                }
            }
            disks.add(new Disk(spec.target(), spec.device(), spec.format(), spec.source(), virtual, allocated,
                    reason == null, reason));
        }
        return new Instance(domain.name(), domain.uuid(), domain.state().name().toLowerCase(), domain.persistent(), disks);
    }
}
