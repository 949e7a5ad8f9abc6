package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * A discovered libvirt domain. {@code id} is the domain's UUID (stable across renames); {@code state} is
 * libvirt's state name ({@code running}, {@code shutoff}, ...) as last refreshed; {@code gone} once the
 * domain was not found on its host at the last refresh.
 */
public record Instance(String id, String hostId, String name, String state, List<InstanceDisk> disks,
                       Instant refreshedAt, boolean gone) {
}
