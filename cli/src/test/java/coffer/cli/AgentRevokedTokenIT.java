package coffer.cli;

import coffer.engine.catalog.Token;
import coffer.engine.instance.TestDomain;
import coffer.testing.Await;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code coffer agent} whose token is revoked while it runs stops and exits with {@code Unauthorized}'s status (5),
 * saying why (docs/design/agents.md, "Heartbeats and failure handling"). Before (docs/reliability.md, session 20) it ran
 * on for ever, its claims and heartbeats refused every second with a warning and a stack trace each time, its running
 * jobs going on to ends the servers refused. One {@code coffer server} on the PostgreSQL catalog, one agent process.
 */
class AgentRevokedTokenIT extends WithAgentCluster {

    @Test
    void anAgentWhoseTokenIsRevokedStopsAndExitsUnauthorized() throws Exception {
        TestDomain.requireLibvirt();
        Path config = fixture.config("a", dir.resolve("vault"), dir.resolve("keyring"));
        ServerProcess.Running server = fixture.server(config);
        AgentCluster.Agent agent = fixture.startAgent(server.url(), fixture.agentToken(), config);
        Token token = fixture.catalog().tokens().list().stream().filter(t -> t.name().equals("agent-1")).findFirst()
                .orElseThrow();
        assertEquals("local", token.host(), "bound by the agent's announce");

        assertTrue(fixture.catalog().tokens().revoke(token.id()));

        Await.until(() -> !agent.process().isAlive(), AgentCluster.WAIT, () -> "the agent to stop; it printed: "
                + String.join("\n", agent.output()));
        List<String> output = agent.output();
        assertEquals(5, agent.process().exitValue(), String.join("\n", output));
        assertTrue(output.stream().anyMatch(l -> l.contains("Unauthorized") && l.contains("the servers refuse this agent's"
                + " token") && l.contains("host local")), String.join("\n", output));
    }
}
