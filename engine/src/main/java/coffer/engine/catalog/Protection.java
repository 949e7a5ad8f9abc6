package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * An instance on the protected list. {@code allDisks} ("protect all disks", the default) includes disks
 * attached later; otherwise {@code disks} names the targets. {@code vault} is the vault's name in the
 * server configuration; {@code region} the vault's region (catalog V5's {@code protections.region}, written
 * since V15: docs/design/replication.md, "Regions in lists").
 */
public record Protection(String instanceId, boolean allDisks, List<String> disks, String vault,
                         Instant createdAt, String region) {
    public Protection {
        region = region == null ? PointRecord.LOCAL_REGION : region;
    }

    /** A protection in the region {@value PointRecord#LOCAL_REGION} (a server configured without regions). */
    public Protection(String instanceId, boolean allDisks, List<String> disks, String vault, Instant createdAt) {
        this(instanceId, allDisks, disks, vault, createdAt, PointRecord.LOCAL_REGION);
    }
}
