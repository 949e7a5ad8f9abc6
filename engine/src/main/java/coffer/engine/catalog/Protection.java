package coffer.engine.catalog;

import java.time.Instant;
import java.util.List;

/**
 * An instance on the protected list. {@code allDisks} ("protect all disks", the default) includes disks
 * attached later; otherwise {@code disks} names the targets. {@code vault} is the vault's name in the
 * server configuration.
 */
public record Protection(String instanceId, boolean allDisks, List<String> disks, String vault,
                         Instant createdAt) {
}
