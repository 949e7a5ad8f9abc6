package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replication's destination is checked with the codes docs/api.md and docs/design/errors.md give: a region the
 * configuration does not declare is {@code UnknownRegion}, whatever vault is named with it; an unknown vault, or a
 * vault of another region than the one named, {@code InvalidArgument}.
 */
class ReplicationDestinationTest {
    private static final VaultDirectory VAULTS = new VaultDirectory() {
        @Override
        public Set<String> names() {
            return Set.of("default", "east-1");
        }

        @Override
        public String defaultName() {
            return "default";
        }

        @Override
        public Vault open(String name) {
            throw new UnsupportedOperationException("not opened by a destination check");
        }

        @Override
        public String regionOf(String name) {
            return "east-1".equals(name) ? "east" : "local";
        }
    };
    private static final Regions REGIONS = new Regions(Map.of("local", List.of("default"), "east", List.of("east-1")),
            Map.of("local", List.of("local")));
    private final ReplicationQueue queue = new ReplicationQueue(null, VAULTS, REGIONS, null);

    @Test
    void anUndeclaredRegionIsUnknownRegionWhateverVaultIsNamed() {
        for (String vault : new String[]{null, "v", "east-1"}) {
            CofferException e = assertThrows(CofferException.class, () -> queue.resolve("west", vault));
            assertEquals(ErrorCode.UnknownRegion, e.code(), "west/" + vault + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("'west'"), e.getMessage());
        }
    }

    @Test
    void aVaultIsCheckedInItsRegion() {
        assertEquals(new coffer.engine.operation.ReplicatePoint.Destination("east", "east-1"), queue.resolve("east", null));
        assertEquals(new coffer.engine.operation.ReplicatePoint.Destination("east", "east-1"), queue.resolve(null, "east-1"));
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> queue.resolve("local", "east-1")).code());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> queue.resolve("east", "v")).code());
        assertEquals(ErrorCode.NoDestinationRegion, assertThrows(CofferException.class, () -> queue.resolve(null, null)).code());
    }
}
