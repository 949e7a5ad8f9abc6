package coffer.cli;

import coffer.engine.reclaim.ReclaimRun;
import coffer.testing.Await;
import coffer.testing.LeftHeld;
import coffer.vault.PointIds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer reclaim list} through a real server (docs/cli.md, "Assurance (server)"): a replication claim and two
 * point leases of runs killed for good on another host lie in the server's vault; the reclaim loop's next step removes
 * them, and the list shows how many, in text ({@code removed 1 stale claim(s) and 2 stale lease(s)}) and in JSON
 * (each step's {@code staleClaims} and {@code staleLeases}).
 */
class ReclaimListCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    LocalServer server;

    @BeforeEach
    void start() throws Exception {
        server = LocalServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theStaleClaimsAndLeasesAStepRemovedAreListedInTextAndJson() throws Exception {
        // after the start-up rescan no step runs until a deletion: the one below removes them all
        Await.until(() -> server.server().assurance().reclaimReport().stream()
                .anyMatch(v -> !v.recent().isEmpty() && v.recent().getFirst().outcome() == ReclaimRun.Outcome.COMPLETE),
                Duration.ofMinutes(1), "the start-up rescan");
        Instant killed = Instant.now().minus(Duration.ofHours(2));
        String claim = "claims/" + PointIds.newId(killed) + "/killed-elsewhere";
        String point = PointIds.newId(killed);
        LeftHeld.inDirectory(vaultDir(), claim, "WRITE", killed);
        LeftHeld.inDirectory(vaultDir(), "leases/" + point + "/killed-elsewhere", "SERVE", killed);
        LeftHeld.inDirectory(vaultDir(), "leases/" + point + "/killed-too", "SERVE", killed);
        // a deletion makes a step due now
        server.server().assurance().reclaim().orElseThrow().reclaim().noteDeleted("default", Instant.now());

        JsonNode vault = Await.value(() -> {
            JsonNode listed = JSON.readTree(server.cli("reclaim", "list", "--output", "json").ok().out()).path("vaults").get(0);
            return stale(listed, "staleClaims") + stale(listed, "staleLeases") == 3 ? Optional.of(listed) : Optional.empty();
        }, Duration.ofMinutes(1), "a reclaim step to remove the stale claim and leases");
        assertEquals("default", vault.path("vault").asText());
        assertEquals(1, stale(vault, "staleClaims"), vault.toString());
        assertEquals(2, stale(vault, "staleLeases"), vault.toString());
        assertFalse(Files.exists(vaultDir().resolve(claim)), "the stale claim is gone");

        String text = server.cli("reclaim", "list").ok().out();
        assertTrue(text.contains(", removed 1 stale claim(s) and 2 stale lease(s)"), text);
        assertEquals(1, text.lines().filter(l -> l.contains("stale claim(s)")).count(), "only the step that removed them: " + text);
    }

    /** The sum of {@code field} over the vault's recent steps. */
    private static int stale(JsonNode vault, String field) {
        int sum = 0;
        for (JsonNode step : vault.path("recent")) {
            sum += step.path(field).asInt();
        }
        return sum;
    }

    private Path vaultDir() {
        return dir.resolve("data").resolve("vault");
    }
}
