package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointFacts;
import coffer.engine.json.CofferJson;
import coffer.vault.PointManifest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a replica records of its source, and what of the source's facts it carries over. */
class ReplicaFactsTest {
    /** A point as manifest version 3 records it: typed facts. */
    private static PointManifest manifest(JsonNode facts) {
        return new PointManifest(PointManifest.FORMAT, PointManifest.VERSION, "20260301-120000-0a0b0c0d", "web-1",
                Instant.parse("2026-03-01T12:00:00Z"), "CRASH", null, List.of(), List.of(), Map.of(), null, facts);
    }

    /** A point as manifest versions 1 and 2 recorded it: a string map. */
    private static PointManifest withAttributes(Map<String, String> attributes) {
        return new PointManifest(PointManifest.FORMAT, 1, "20260301-120000-0a0b0c0d", "web-1",
                Instant.parse("2026-03-01T12:00:00Z"), "CRASH", null, List.of(), List.of(), attributes, null, null);
    }

    @Test
    void aReplicaCarriesTheInstanceFactsAndItsOwnLife() {
        PointFacts sourceFacts = new PointFacts(PointFacts.VERSION, new PointFacts.Instance("u-1", "qemu:///system", "running"),
                "<domain/>", null, null, null, Instant.parse("2026-03-08T12:00:00Z"), new PointFacts.Plan("plan-1", "pol-1", true),
                new PointFacts.Group("g-1", "shop", List.of("web-1"), "crash", Instant.parse("2026-03-01T12:00:00Z"), 5, null));
        PointManifest source = manifest(sourceFacts.json());
        ReplicaFacts facts = ReplicaFacts.of("local", "default", "vault-uuid", source.id());
        PointFacts replica = CofferJson.read(facts.factsFor(source, Instant.parse("2026-06-01T12:00:00Z")), PointFacts.class);
        assertEquals(sourceFacts.instance(), replica.instance());
        assertEquals("<domain/>", replica.domainXml());
        assertEquals(sourceFacts.group(), replica.group());
        assertNull(replica.plan(), "the source's plan and policy do not keep the replica");
        assertEquals(Instant.parse("2026-06-01T12:00:00Z"), replica.expires(), "its own expiry");
        assertEquals(new PointFacts.Replica(1, "local", "default", "vault-uuid", source.id()), replica.replica());
        assertEquals(Optional.of(facts), ReplicaFacts.of(manifest(replica.json())));
        assertEquals(Optional.empty(), ReplicaFacts.of(source), "not a replica");
        assertNull(CofferJson.read(facts.factsFor(source, null), PointFacts.class).expires(), "never expires");
    }

    @Test
    void aReplicaOfAReplicaNamesItsImmediateSource() {
        PointManifest replica = manifest(ReplicaFacts.of("east", "e", "id-e", "20260301-120000-00000001")
                .factsFor(manifest(null), null));
        PointFacts again = CofferJson.read(ReplicaFacts.of("west", "w", "id-w", replica.id()).factsFor(replica, null),
                PointFacts.class);
        assertEquals("west", again.replica().region());
        assertEquals(replica.id(), again.replica().point());
    }

    @Test
    void replicasWrittenBeforeManifestVersion3ReadTheSame() {
        PointManifest old = withAttributes(Map.of("instance.uuid", "u-1", "expires", "2026-06-01T12:00:00Z",
                "replica.version", "1", "replica.region", "local", "replica.vault", "default", "replica.vaultId", "vault-uuid",
                "replica.point", "20260301-120000-00000001"));
        assertEquals(Optional.of(ReplicaFacts.of("local", "default", "vault-uuid", "20260301-120000-00000001")),
                ReplicaFacts.of(old));
        assertEquals("u-1", PointFacts.of(old).uuid());
    }

    @Test
    void factsOfANewerVersionAreRefused() {
        CofferException e = assertThrows(CofferException.class, () -> ReplicaFacts.of(withAttributes(Map.of("replica.version", "2",
                "replica.point", "x"))));
        assertEquals(ErrorCode.UnsupportedFormat, e.code());
        JsonNode newer = CofferJson.MAPPER.createObjectNode().put("version", PointFacts.VERSION)
                .set("replica", CofferJson.MAPPER.createObjectNode().put("version", 2).put("point", "x"));
        assertEquals(ErrorCode.UnsupportedFormat, assertThrows(CofferException.class, () -> ReplicaFacts.of(manifest(newer))).code());
    }
}
