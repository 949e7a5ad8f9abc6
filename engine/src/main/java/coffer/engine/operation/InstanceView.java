package coffer.engine.operation;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.Protection;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * An instance as the catalog knows it: {@code state} is libvirt's ({@code running}, {@code shutoff}, …) or
 * {@code gone}; {@code protection} is present when it is protected.
 */
public record InstanceView(String id, String host, String name, String state,
                           @JsonProperty("protected") boolean isProtected,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ProtectionView protection, List<DiskView> disks,
                           Instant refreshedAt) {

    /** A disk; {@code unsupportedReason} (absent when it can be) says why it cannot be backed up. Sizes -1: unknown. */
    public record DiskView(String target, String device, String format, String source, long virtualSize,
                           long allocatedSize, boolean supported,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String unsupportedReason) {
        static DiskView of(InstanceDisk d) {
            return new DiskView(d.target(), d.device(), d.format(), d.source(), d.virtualSize(), d.allocatedSize(),
                    d.unsupportedReason() == null, d.unsupportedReason());
        }
    }

    /** A domain as libvirt shows it now, on {@code uri} (offline: nothing is protected, nothing is a catalog's). */
    public static InstanceView of(coffer.engine.instance.InstanceDiscovery.Instance i, String uri, java.time.Instant now) {
        return new InstanceView(i.uuid(), uri, i.name(), i.state(), false, null, i.disks().stream()
                .map(d -> new DiskView(d.target(), d.device(), d.format(), d.source(), d.virtualSize(), d.allocatedSize(),
                        d.backupable(), d.reason())).toList(), now);
    }

    public static InstanceView of(Instance i, Protection protection) {
        return new InstanceView(i.id(), i.hostId(), i.name(), i.gone() ? "gone" : i.state(), protection != null,
                protection == null ? null : ProtectionView.of(protection, i), i.disks().stream().map(DiskView::of).toList(),
                i.refreshedAt());
    }
}
