package coffer.cli;

import coffer.engine.catalog.DatabaseClock;
import coffer.engine.instance.TestDomain;
import coffer.testing.Await;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two {@code coffer agent} processes started with one host name (docs/design/agents.md, "One agent per host"; docs/
 * reliability.md, session 21): each keeps its identity in its data directory. Another identity is refused
 * {@code AgentHostTaken} (exit status 9, naming the host, its agent and when it was last seen) while the host's agent
 * is alive, and the host stays that agent's; it takes the host once that agent has not been seen for the stale limit
 * (frozen with SIGSTOP), and the displaced agent, thawed, stops with the same status at its next call; an agent
 * restarted with its data directory (its identity) takes its host back at once; a second process on one data
 * directory is refused. Before, each announce took the host, and two agents took it from each other every minute.
 * One {@code coffer server} on the PostgreSQL catalog; the agents share the host's token.
 */
class AgentHostTakenIT extends WithAgentCluster {
    /** The stale limit the server welcomes its agents with: 10 s here (30 s by default), heartbeats every second. */
    private static final Duration STALE = Duration.ofSeconds(10);

    @Test
    void aSecondAgentOfOneHostIsRefusedWhileTheFirstLivesAndTheSameIdentityTakesItBackAtOnce() throws Exception {
        TestDomain.requireLibvirt();
        Path config = fixture.config("a", dir.resolve("vault"), dir.resolve("keyring"));
        ServerProcess.Running server = fixture.server(config, ShortPeriods.environment("heartbeat=1,stale=" + STALE.toSeconds()));
        Path token = fixture.agentToken();
        Path dataA = dir.resolve("agent-hosts21-a");
        Path dataB = dir.resolve("agent-hosts21-b");
        AgentCluster.Agent a = fixture.startAgent(server.url(), token, config, dataA);
        assertEquals(a.worker(), fixture.servedLocal().agent());
        String identityA = Files.readString(dataA.resolve("agent-identity")).strip();

        // another agent (its own data directory: another identity) while the first lives: refused, exit 9
        AgentCluster.Ended b = fixture.runAgentToItsEnd(server.url(), token, config, dataB);
        assertEquals(9, b.status(), b.text());
        assertTrue(b.text().contains("AgentHostTaken") && b.text().contains("host 'local' is served by agent " + a.worker())
                && b.text().contains("last seen at"), b.text());
        assertNotEquals(identityA, Files.readString(dataB.resolve("agent-identity")).strip(), "two identities");
        Instant refusedAt = Instant.now();
        Await.until(() -> fixture.servedLocal().seenAt().isAfter(refusedAt), AgentCluster.WAIT,
                () -> "the first agent's heartbeats after the refusal: " + fixture.servedLocal());
        assertEquals(a.worker(), fixture.servedLocal().agent(), "the host stays the first agent's");
        assertTrue(a.process().isAlive(), String.join("\n", a.output()));

        // a second process on the first one's data directory: refused before it announces
        AgentCluster.Ended twin = fixture.runAgentToItsEnd(server.url(), token, config, dataA);
        assertEquals(2, twin.status(), twin.text());
        assertTrue(twin.text().contains("another coffer agent runs with the data directory " + dataA), twin.text());
        assertEquals(a.worker(), fixture.servedLocal().agent());

        // the first agent frozen past the stale limit: the other identity takes the host
        signal("STOP", a.process());
        DatabaseClock database = DatabaseClock.follow(fixture.catalog(), Clock.systemUTC());
        Await.until(() -> fixture.servedLocal().seenAt().isBefore(database.instant().minus(STALE).minusSeconds(1)), AgentCluster.WAIT,
                () -> "the frozen agent's last heartbeat to pass the stale limit: " + fixture.servedLocal());
        AgentCluster.Agent b2 = fixture.startAgent(server.url(), token, config, dataB);
        assertEquals(b2.worker(), fixture.servedLocal().agent());
        // thawed, the displaced agent's next call is refused: it stops, exit 9
        signal("CONT", a.process());
        Await.until(() -> !a.process().isAlive(), AgentCluster.WAIT, () -> "the displaced agent to stop: "
                + String.join("\n", a.output()));
        assertEquals(9, a.process().exitValue(), String.join("\n", a.output()));
        assertTrue(a.output().stream().anyMatch(l -> l.contains("AgentHostTaken") && l.contains("the servers gave host"
                + " local to another agent") && l.contains("but by agent " + b2.worker())), String.join("\n", a.output()));
        assertEquals(b2.worker(), fixture.servedLocal().agent(), "the host stays the agent that took it");

        // the agent killed -9 and started again on its data directory: its identity takes the host at once
        b2.process().destroyForcibly().waitFor();
        AgentCluster.Agent b3 = fixture.startAgent(server.url(), token, config, dataB);
        assertEquals(b3.worker(), fixture.servedLocal().agent(), "the restarted agent serves its host");
        assertTrue(b3.process().isAlive(), String.join("\n", b3.output()));
    }

    /** Sends {@code SIGname} to a process this test started. */
    private static void signal(String name, Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + process.pid());
    }
}
