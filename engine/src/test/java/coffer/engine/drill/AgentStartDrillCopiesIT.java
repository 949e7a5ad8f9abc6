package coffer.engine.drill;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.agent.CofferAgent;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.operation.AgentBeat;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.AgentWelcome;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import coffer.engine.vault.LocalVaults;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code coffer agent}'s start removes the copies of restore drills its dead run left on its host, as a server's start
 * does for the hosts it connects to ({@code StaleDrillCopies}; docs/design/agents.md, "Heartbeats and failure
 * handling"); the copy of a live drill is kept. Before (docs/reliability.md, session 20), a copy an agent killed under a
 * drill left ran on until that host's next drill: no server's start looks at a host an agent serves. The agent is the
 * real {@link CofferAgent} on {@code qemu:///system}; the server it announces to is a fake of the HTTP hop (not what is
 * tested), answering the announce and no jobs.
 *
 * <p>The dead copy is one only this test's process takes for dead (session 24, as in {@link StaleDrillCopiesIT}): of an
 * earlier boot of this machine that only this process's boot history holds ({@link EarlierBootOfThisMachine}), so that
 * no other cleaner of this host (another test's, another run's) removes it first.
 */
class AgentStartDrillCopiesIT {
    @TempDir Path dir;
    Libvirt libvirt;
    RunningCopies copies;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        libvirt = Libvirt.connect("qemu:///system");
        copies = new RunningCopies(libvirt, dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (copies != null) {
            copies.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @Test
    void anAgentsStartRemovesTheCopyOfItsDeadDrillAndKeepsALiveDrillsCopy() throws Exception {
        Path drills = Files.createDirectories(dir.resolve("drills"));
        String id = "hosts20-" + UUID.randomUUID().toString().substring(0, 8);
        DrillCopy dead;
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(Files.createDirectories(dir.resolve("state")))) {
            dead = new DrillCopy(DrillCopy.PREFIX + id, drills.resolve(id), "p", ProcessHandle.current().pid(),
                    DrillCopy.thisHost(), earlier.boot(), OtherMachine.thisMachine(), Instant.now());
            DrillCopy live = DrillCopy.of(id + "-live", drills, "p");
            copies.run(dead);
            copies.run(live);
            assertTrue(dead.abandoned());
            assertAgentsStartRemoves(drills, dead, live);
        }
        assertFalse(dead.abandoned(), "a process without this boot history (another cleaner) leaves it to its age");
    }

    private void assertAgentsStartRemoves(Path drills, DrillCopy dead, DrillCopy live) throws Exception {
        try (LocalVaults vaults = new LocalVaults(Map.of("west", new LocalVaults.Location(dir.resolve("no-vault"), null)),
                "west");
             CofferAgent agent = CofferAgent.start(new AnnounceOnly(), vaults, new CofferAgent.Settings("local",
                     "qemu:///system", dir.resolve("agent-data"), Files.createDirectories(dir.resolve("run")),
                     RestoreDirectories.under(List.of(dir.resolve("restores"))), 1, 1,
                     JobHandlers.Assurance.defaults(drills)))) {
            assertTrue(libvirt.domain(dead.name()).isEmpty(), "the dead drill's copy is undefined at the agent's start");
            assertFalse(Files.exists(dead.directory()), "its directory deleted");
            assertTrue(libvirt.state(live.name()).active(), "a live drill's copy runs on");
            assertTrue(Files.exists(live.directory().resolve("disk.qcow2")));
        }
    }

    /** A fake of the servers (not what is tested): the announce welcomed, no jobs, heartbeats answered. */
    private static final class AnnounceOnly implements Operations {
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        @SuppressWarnings("unchecked")
        public <R> R call(Operation<R> operation) {
            Object answer = switch (operation) {
                case AnnounceAgent a -> new AgentWelcome(a.host(), AgentProtocol.VERSION, AgentProtocol.PROTOCOL, 5, 30);
                case ClaimAgentJob c -> {
                    try { // a long poll that finds nothing
                        never.await(c.waitSeconds() == null ? 0 : c.waitSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield AgentClaim.NONE;
                }
                case HeartbeatAgent h -> new AgentBeat(0, List.of(), List.of());
                default -> throw new IllegalArgumentException(operation.toString());
            };
            return (R) answer;
        }

        @Override
        public <R> Run<R> start(JobOperation<R> operation) {
            throw new UnsupportedOperationException();
        }
    }
}
