package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointAttributes;
import coffer.vault.PointManifest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a replica records of its source, and what of the source's facts it carries over. */
class ReplicaFactsTest {
    private static PointManifest manifest(Map<String, String> attributes) {
        return new PointManifest(PointManifest.FORMAT, 1, "20260301-120000-0a0b0c0d", "web-1",
                Instant.parse("2026-03-01T12:00:00Z"), "CRASH", null, List.of(), List.of(), attributes, null);
    }

    @Test
    void aReplicaCarriesTheInstanceFactsAndItsOwnLife() {
        PointManifest source = manifest(Map.of(PointAttributes.UUID, "u-1", PointAttributes.DOMAIN_XML, "<domain/>",
                PointAttributes.EXPIRES, "2026-03-08T12:00:00Z", PointAttributes.PLAN, "plan-1", PointAttributes.POLICY,
                "pol-1", PointAttributes.POLICY_IMMUTABLE, "true", "group.id", "g-1"));
        ReplicaFacts facts = ReplicaFacts.of("local", "default", "vault-uuid", source.id());
        Map<String, String> replica = facts.attributesFor(source, Instant.parse("2026-06-01T12:00:00Z"));
        assertEquals(Map.of(PointAttributes.UUID, "u-1", PointAttributes.DOMAIN_XML, "<domain/>", "group.id", "g-1",
                PointAttributes.EXPIRES, "2026-06-01T12:00:00Z", "replica.version", "1", "replica.region", "local",
                "replica.vault", "default", "replica.vaultId", "vault-uuid", "replica.point", source.id()), replica);
        assertEquals(Optional.of(facts), ReplicaFacts.of(manifest(replica)));
        assertEquals(Optional.empty(), ReplicaFacts.of(source), "not a replica");
        assertEquals(null, facts.attributesFor(source, null).get(PointAttributes.EXPIRES), "never expires");
    }

    @Test
    void aReplicaOfAReplicaNamesItsImmediateSource() {
        PointManifest replica = manifest(ReplicaFacts.of("east", "e", "id-e", "20260301-120000-00000001")
                .attributesFor(manifest(Map.of()), null));
        Map<String, String> again = ReplicaFacts.of("west", "w", "id-w", replica.id()).attributesFor(replica, null);
        assertEquals("west", again.get("replica.region"));
        assertEquals(replica.id(), again.get("replica.point"));
    }

    @Test
    void factsOfANewerVersionAreRefused() {
        CofferException e = assertThrows(CofferException.class, () -> ReplicaFacts.of(manifest(Map.of("replica.version", "2",
                "replica.point", "x"))));
        assertEquals(ErrorCode.UnsupportedFormat, e.code());
    }
}
