package coffer.engine.operation.hosted;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One agent per host (docs/design/agents.md, "One agent per host"), on the server's side ({@link HostedAgents}) on the
 * real catalog, SQLite and PostgreSQL, its clock simulated: an announce of another identity (or of none) is refused
 * {@code AgentHostTaken} while the host's agent was seen within the stale limit, naming it and when it was last seen;
 * it takes the host once that agent is unseen for longer; the displaced agent's heartbeat and claim are then refused
 * with the same code; the same identity under a new worker id (a restart) takes the host at once. Before (docs/
 * reliability.md, session 21) every announce took the host.
 */
class AgentHostTakeoverTest extends CatalogKindFixture {
    private static final String A = "kvm-1:100:aa";
    private static final String B = "kvm-1b:200:bb";

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anotherIdentityIsRefusedWhileTheHostsAgentLivesAndTakesItOnceThatAgentIsStale(String kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        openWithEdge(kind, clock);
        HostedAgents agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
        agents.announce(announce(A, "identity-a"));
        Instant seenA = clock.instant();

        CofferException refused = assertThrows(CofferException.class, () -> agents.announce(announce(B, "identity-b")));
        assertEquals(ErrorCode.AgentHostTaken, refused.code(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("host 'edge' is served by agent " + A + ", last seen at " + seenA
                + " (0 s ago, within the stale limit of 30 s): agent " + B + " (identity identity-b) is another agent"),
                refused.getMessage());
        assertEquals(ErrorCode.AgentHostTaken, assertThrows(CofferException.class,
                () -> agents.announce(announce(B, null))).code(), "an announce naming no identity is another agent");

        clock.advance(Duration.ofSeconds(25));
        agents.heartbeat(new HeartbeatAgent("edge", A, List.of())); // seen again
        clock.advance(Duration.ofSeconds(25));
        assertEquals(ErrorCode.AgentHostTaken, assertThrows(CofferException.class,
                () -> agents.announce(announce(B, "identity-b"))).code(), "seen 25 s ago");
        assertEquals(A, served());

        clock.advance(Duration.ofSeconds(6)); // A unseen for 31 s: stale
        agents.announce(announce(B, "identity-b"));
        assertEquals(B, served());
        CofferException displaced = assertThrows(CofferException.class,
                () -> agents.heartbeat(new HeartbeatAgent("edge", A, List.of())));
        assertEquals(ErrorCode.AgentHostTaken, displaced.code(), displaced.getMessage());
        assertTrue(displaced.getMessage().contains("is not served by agent " + A + " but by agent " + B), displaced.getMessage());
        assertEquals(ErrorCode.AgentHostTaken, assertThrows(CofferException.class,
                () -> agents.claim(new ClaimAgentJob("edge", A, 1, 0))).code());
        assertEquals(B, served(), "the displaced agent's calls did not give the host back");

        String restarted = "kvm-1b:201:cc"; // B restarted: its identity, a new worker id, its predecessor just seen
        agents.announce(announce(restarted, "identity-b"));
        assertEquals(restarted, served());
        agents.heartbeat(new HeartbeatAgent("edge", restarted, List.of()));
    }

    private String served() {
        return catalog.hosts().agentServed().stream().filter(s -> s.hostId().equals("edge")).findFirst().orElseThrow()
                .agent();
    }

    private static AnnounceAgent announce(String agent, String identity) {
        return new AnnounceAgent("edge", "qemu:///system", agent, AgentProtocol.VERSION, AgentProtocol.PROTOCOL, List.of(),
                List.of("west"), null, identity);
    }
}
