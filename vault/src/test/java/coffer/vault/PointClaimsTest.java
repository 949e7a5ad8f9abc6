package coffer.vault;

import coffer.testing.PrefixFaults;
import coffer.testing.TestVault;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.backend.ObjectInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A claim whose release failed three times (docs/reliability.md, "Session 17") is this process's own, abandoned: it
 * is removed at the process's next claim, lease or lock operation on the vault and never refuses the process's own
 * next run of that replication (before, it did for 15 minutes, until it went stale). Another process still sees it
 * as live until it goes stale: it cannot tell it from a running claim.
 */
class PointClaimsTest {
    private final MemoryBackend store = new MemoryBackend();
    /** Fails the deletes of claims a test asks it to. */
    private final PrefixFaults flaky = new PrefixFaults(store, PointClaims.PREFIX);

    private List<String> claimObjects() throws IOException {
        return store.list(PointClaims.PREFIX).stream().map(ObjectInfo::name).sorted().toList();
    }

    @Test
    void aClaimWhoseReleaseFailedIsRemovedAtTheNextTakeAndDoesNotRefuseIt() throws IOException {
        try (TestVault vault = TestVault.create(flaky, null)) {
            PointClaims claims = vault.vault().claims();
            String replicaId = PointIds.newId(Instant.now());
            PointClaims.Claim first = claims.take(replicaId, "replication of point a");
            flaky.failDeletes(3);
            assertThrows(BackendException.class, first::close);
            List<String> leftBehind = claimObjects();
            assertEquals(1, leftBehind.size(), "all three tries of the release failed");

            try (TestVault other = TestVault.open(store, null)) {
                VaultBusyException busy = assertThrows(VaultBusyException.class,
                        () -> other.vault().claims().take(replicaId, "replication of point a elsewhere"),
                        "another process cannot tell it from a running claim");
                assertTrue(busy.getMessage().contains("replication of point a"), busy.getMessage());
            }

            flaky.failDeletes(1); // the retry before the take fails once more: the listing meets the claim
            try (PointClaims.Claim again = claims.take(replicaId, "replication of point a, run again")) {
                List<String> now = claimObjects();
                assertEquals(1, now.size(), "only the new claim: " + now);
                assertTrue(!now.contains(leftBehind.getFirst()), "the claim left behind was removed");
            }
            assertEquals(List.of(), claimObjects());
        }
    }

    @Test
    void aClaimLeftBehindIsRemovedAtTheNextLockOperation() throws IOException {
        try (TestVault vault = TestVault.create(flaky, null)) {
            PointClaims.Claim claim = vault.vault().claims().take(PointIds.newId(Instant.now()), "replication");
            flaky.failDeletes(3);
            assertThrows(BackendException.class, claim::close);
            assertEquals(1, claimObjects().size());
            vault.vault().locks().shared("backup", Duration.ZERO).close();
            assertEquals(List.of(), claimObjects(), "removed at the lock operation");
        }
    }

    @Test
    void aClaimLeftBehindIsRemovedWhenTheVaultIsClosed() throws IOException {
        TestVault vault = TestVault.create(flaky, null);
        PointClaims.Claim claim = vault.vault().claims().take(PointIds.newId(Instant.now()), "replication");
        flaky.failDeletes(3);
        assertThrows(BackendException.class, claim::close);
        assertEquals(1, claimObjects().size());
        vault.close();
        assertEquals(List.of(), claimObjects(), "a command that ends tries once more");
    }
}
