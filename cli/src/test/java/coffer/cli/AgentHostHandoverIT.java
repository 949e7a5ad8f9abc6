package coffer.cli;

import coffer.engine.instance.TestDomain;
import coffer.testing.Await;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent stopped with SIGTERM hands its host over (docs/design/agents.md, "One agent per host"; docs/reliability.md,
 * session 22): once it has ended, the host is still agent-served but unseen, and an agent of another identity (its
 * own data directory) takes it at once; an agent killed -9 hands nothing over, and another identity is refused
 * {@code AgentHostTaken} (exit 9) within the stale limit, as before. Before, SIGTERM handed nothing over either: the
 * other identity was refused for up to 30 s. One {@code coffer server} on the PostgreSQL catalog, real agent processes
 * sharing the host's token.
 */
class AgentHostHandoverIT extends WithAgentCluster {
    @Test
    void anAgentStoppedWithSigtermHandsItsHostOverAndOneKilledDoesNot() throws Exception {
        TestDomain.requireLibvirt();
        Path config = fixture.config("a", dir.resolve("vault"), dir.resolve("keyring"));
        ServerProcess.Running server = fixture.server(config);
        Path token = fixture.agentToken();
        Path dataA = dir.resolve("agent-hosts22-a");
        Path dataB = dir.resolve("agent-hosts22-b");
        AgentCluster.Agent a = fixture.startAgent(server.url(), token, config, dataA);
        assertEquals(a.worker(), fixture.servedLocal().agent());
        Instant started = Instant.now();
        Await.until(() -> fixture.servedLocal().seenAt() != null && fixture.servedLocal().seenAt().isAfter(started), AgentCluster.WAIT,
                () -> "a heartbeat of the first agent: " + fixture.servedLocal());

        // SIGTERM: the agent stops cleanly and hands its host over before it ends
        a.process().destroy();
        Await.until(() -> !a.process().isAlive(), AgentCluster.WAIT, () -> "the first agent to stop: "
                + String.join("\n", a.output()));
        assertEquals(a.worker(), fixture.servedLocal().agent(), "still agent-served: the servers do not run its agents' jobs");
        assertNull(fixture.servedLocal().seenAt(), "handed over: " + String.join("\n", a.output()));

        AgentCluster.Agent b = fixture.startAgent(server.url(), token, config, dataB);
        assertEquals(b.worker(), fixture.servedLocal().agent(), "another identity took the host at once");
        assertTrue(b.process().isAlive(), String.join("\n", b.output()));

        // kill -9 right after a heartbeat: nothing handed over; the first identity is refused within the stale limit
        Instant beforeBeat = Instant.now();
        Await.until(() -> fixture.servedLocal().seenAt() != null && fixture.servedLocal().seenAt().isAfter(beforeBeat), AgentCluster.WAIT,
                () -> "a heartbeat of the second agent: " + fixture.servedLocal());
        b.process().destroyForcibly().waitFor();
        assertNotNull(fixture.servedLocal().seenAt(), "a killed agent hands nothing over");
        AgentCluster.Ended refused = fixture.runAgentToItsEnd(server.url(), token, config, dataA);
        assertEquals(9, refused.status(), refused.text());
        assertTrue(refused.text().contains("AgentHostTaken") && refused.text().contains("host 'local' is served by agent "
                + b.worker()) && refused.text().contains("within the stale limit of 30 s"), refused.text());
        assertEquals(b.worker(), fixture.servedLocal().agent());
    }

}
