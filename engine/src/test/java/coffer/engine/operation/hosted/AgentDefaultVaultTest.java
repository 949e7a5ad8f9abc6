package coffer.engine.operation.hosted;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.job.Job;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup naming no vault (a plan's run of a protection with no vault) is judged by the vault the agent uses for it,
 * its announced default vault (docs/design/agents.md, "Which jobs an agent runs"), on SQLite and PostgreSQL: when the
 * agent leaves its default vault out of its announce (it cannot open it), such a backup runs on a server, queued by the
 * scheduler's batch or by a person; when the agent announces it again, the queued ones are the agent's again. Before, a
 * backup naming no vault stayed the agent's whatever the agent could open, and failed there ({@code StorageFailure}).
 */
class AgentDefaultVaultTest extends CatalogKindFixture {
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final String AGENT = "edge:1:aa";
    private static final String SERVER = "server:1:bb";

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aBackupNamingNoVaultIsJudgedByTheAgentsDefaultVault(String kind) throws Exception {
        MutableClock clock = new MutableClock(T0.minusSeconds(30));
        openWithEdge(kind, clock);
        HostedAgents agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
        List<Instance> instances = List.of(new Instance("u-web", "edge", "web", "running", List.of(), T0, false));
        // the agent's configuration names east (its default, not mounted on its host) and west: it announces west only
        agents.announce(announce(instances, List.of("west"), "east"));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), null, T0, null)));
        Job run = HourlyPlanRun.queue(catalog, clock, T0).run();
        assertNull(((BackupInstance) run.operation()).vault(), "the plan's run names no vault");
        Job manual = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        Job west = catalog.jobs().submit(new BackupInstance("u-web", "west", null, null, null, false, null, null, null), "edge");

        assertEquals(west.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 10)).job().id(), "a vault it announced");
        assertNull(agents.claim(new ClaimAgentJob("edge", AGENT, 10)).job(),
                "the backups naming no vault are not the agent's: its default vault is left out");
        assertEquals(Set.of(run.id(), manual.id()), serversClaims(), "they run on a server");

        // queued while the default is left out, then the agent announces it (mounted since): the agent's
        Job later = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        agents.announce(announce(instances, List.of("east", "west"), "east"));
        assertEquals(Set.of(), serversClaims(), "now the agent's");
        // left out again: back to the servers at that announce
        agents.announce(announce(instances, List.of("west"), "east"));
        assertEquals(Set.of(later.id()), serversClaims());

        // an agent that announces its default vault: a backup naming no vault is its own, as before
        Job mine = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        agents.announce(announce(instances, List.of("west"), "west"));
        assertEquals(mine.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 10)).job().id());
        assertTrue(serversClaims().isEmpty());
    }

    private static AnnounceAgent announce(List<Instance> instances, List<String> vaults, String defaultVault) {
        return new AnnounceAgent("edge", "qemu:///system", AGENT, AgentProtocol.VERSION, AgentProtocol.PROTOCOL, instances,
                vaults, defaultVault);
    }

    /** The jobs a server's worker claims now, one by one until none is left. */
    private Set<String> serversClaims() {
        Set<String> claimed = new HashSet<>();
        for (Optional<Job> j = catalog.jobs().claimNext(SERVER, 10, T0); j.isPresent(); j = catalog.jobs().claimNext(SERVER, 10, T0)) {
            claimed.add(j.get().id());
        }
        return claimed;
    }
}
