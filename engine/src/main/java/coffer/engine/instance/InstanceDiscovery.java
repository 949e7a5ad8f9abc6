package coffer.engine.instance;

import coffer.engine.error.Errors;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageInfo;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of one libvirt host with their disks: target, format, virtual and allocated size, and
 * whether each can be backed up (with the reason when not). Reads only.
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
                } catch (coffer.virt.libvirt.LibvirtException e) {
                    if (e.code() != coffer.virt.libvirt.LibvirtException.NO_DOMAIN) {
                        throw e;
                    }
                    // removed between the listing and its description (another program's short-lived domain)
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
                    ImageInfo info = DiskImages.inspect(Path.of(spec.source()));
                    virtual = info.virtualSize();
                    allocated = info.actualSize();
                } catch (IOException e) {
                    reason = reason != null ? reason : "cannot read the image: " + e.getMessage();
                }
            }
            disks.add(new Disk(spec.target(), spec.device(), spec.format(), spec.source(), virtual, allocated,
                    reason == null, reason));
        }
        return new Instance(domain.name(), domain.uuid(), domain.state().name().toLowerCase(), domain.persistent(), disks);
    }
}
