package coffer.engine.operation.hosted;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Hosts;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.ReleaseAgentHost;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent stopping cleanly hands its host over (docs/design/agents.md, "One agent per host"), on the server's side
 * ({@link HostedAgents}) on the real catalog, SQLite and PostgreSQL, its clock simulated and never advanced: another
 * identity's announce, refused while the host's agent lives, takes the host at once after that agent's release; the
 * host stays agent-served meanwhile (the servers do not claim its agents' jobs); a release by an agent that does not
 * serve the host changes nothing. Before (session 21) there was no release: the other identity waited 30 s.
 */
class AgentHostReleaseTest extends CatalogKindFixture {
    private static final String A = "kvm-1:100:aa";
    private static final String B = "kvm-1:200:bb";

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anotherIdentityTakesAReleasedHostAtOnce(String kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        openWithEdge(kind, clock);
        HostedAgents agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
        agents.announce(announce(A, "identity-a"));
        assertEquals(ErrorCode.AgentHostTaken, assertThrows(CofferException.class,
                () -> agents.announce(announce(B, "identity-b"))).code(), "the host's agent lives");

        assertFalse(agents.release(new ReleaseAgentHost("edge", B), null).accepted(), "B does not serve it");
        assertEquals(A, served().agent());
        assertEquals(clock.instant(), served().seenAt(), "a release by another agent changed nothing");

        assertTrue(agents.release(new ReleaseAgentHost("edge", A), null).accepted());
        assertEquals(A, served().agent(), "still agent-served: the servers do not take its jobs");
        assertNull(served().seenAt(), "unseen");

        agents.announce(announce(B, "identity-b")); // at once: the clock did not move
        assertEquals(B, served().agent());
        assertFalse(agents.release(new ReleaseAgentHost("edge", A), null).accepted(), "A no longer serves it");
        assertEquals(B, served().agent());
        assertEquals(clock.instant(), served().seenAt());
    }

    private Hosts.AgentSeen served() {
        return catalog.hosts().agentServed().stream().filter(s -> s.hostId().equals("edge")).findFirst().orElseThrow();
    }

    private static AnnounceAgent announce(String agent, String identity) {
        return new AnnounceAgent("edge", "qemu:///system", agent, AgentProtocol.VERSION, AgentProtocol.PROTOCOL, List.of(),
                List.of("west"), null, identity);
    }
}
