package coffer.cli;

import coffer.engine.catalog.Hosts;
import coffer.engine.instance.TestDomain;
import coffer.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
        assertEquals(a.worker(), served().agent());
        Instant started = Instant.now();
        Await.until(() -> served().seenAt() != null && served().seenAt().isAfter(started), AgentCluster.WAIT,
                () -> "a heartbeat of the first agent: " + served());

        // SIGTERM: the agent stops cleanly and hands its host over before it ends
        a.process().destroy();
        Await.until(() -> !a.process().isAlive(), AgentCluster.WAIT, () -> "the first agent to stop: "
                + String.join("\n", a.output()));
        assertEquals(a.worker(), served().agent(), "still agent-served: the servers do not run its agents' jobs");
        assertNull(served().seenAt(), "handed over: " + String.join("\n", a.output()));

        AgentCluster.Agent b = fixture.startAgent(server.url(), token, config, dataB);
        assertEquals(b.worker(), served().agent(), "another identity took the host at once");
        assertTrue(b.process().isAlive(), String.join("\n", b.output()));

        // kill -9 right after a heartbeat: nothing handed over; the first identity is refused within the stale limit
        Instant beforeBeat = Instant.now();
        Await.until(() -> served().seenAt() != null && served().seenAt().isAfter(beforeBeat), AgentCluster.WAIT,
                () -> "a heartbeat of the second agent: " + served());
        b.process().destroyForcibly().waitFor();
        assertNotNull(served().seenAt(), "a killed agent hands nothing over");
        Ended refused = run(server.url(), token, config, dataA);
        assertEquals(9, refused.status(), refused.text());
        assertTrue(refused.text().contains("AgentHostTaken") && refused.text().contains("host 'local' is served by agent "
                + b.worker()) && refused.text().contains("within the stale limit of 30 s"), refused.text());
        assertEquals(b.worker(), served().agent());
    }

    /** How the catalog has the host {@code local}'s agent now. */
    private Hosts.AgentSeen served() {
        return fixture.catalog().hosts().agentServed().stream().filter(s -> s.hostId().equals("local")).findFirst()
                .orElseThrow();
    }

    /** An agent process that is to end by itself: its exit status and what it printed. */
    private record Ended(int status, String text) {
    }

    private Ended run(String url, Path token, Path config, Path dataDir) throws Exception {
        Process process = fixture.agentProcess(url, token, config, "local", "qemu:///system", dataDir);
        List<String> output = new CopyOnWriteArrayList<>();
        Thread drain = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(output::add), "agent-hosts22-output");
        drain.setDaemon(true);
        drain.start();
        Await.until(() -> !process.isAlive(), AgentCluster.WAIT, () -> "the refused agent to end: "
                + String.join("\n", output));
        drain.join();
        return new Ended(process.exitValue(), String.join("\n", output));
    }
}
