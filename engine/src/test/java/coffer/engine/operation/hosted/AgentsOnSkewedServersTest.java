package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.DatabaseClock;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.operation.AgentBeat;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.plan.PlanBackup;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An agent's claim answered by one server and its next heartbeat, sent before that answer arrived, received by
 * another server whose host clock is 40 s ahead, on one PostgreSQL catalog: both servers' agent routes judge the
 * claim's grace on the database's clock ({@link DatabaseClock}), so the job just claimed is not failed
 * {@code WorkerLost} (docs/reliability.md, session 20, "A server whose clock is ahead or behind"; docs/design/agents.md).
 */
class AgentsOnSkewedServersTest extends CatalogKindFixture {
    static final String AGENT = "edge:1:skew";
    static final Duration SKEW = Duration.ofSeconds(40);

    @Test
    void aHeartbeatOnAServerAheadFailsNoClaimAnsweredMomentsAgoByAnother() throws Exception {
        openWithEdge("postgresql", Clock.systemUTC());
        Instant now = Instant.now();
        catalog.instances().refresh("edge", List.of(new Instance("u-web", "edge", "web", "running", List.of(), now, false)));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", now, null)));
        catalog.hosts().serveByAgent("edge", AGENT, now);
        HostedAgents onTime = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null),
                DatabaseClock.follow(catalog, Clock.systemUTC()));
        HostedAgents ahead = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null),
                DatabaseClock.follow(catalog, Clock.offset(Clock.systemUTC(), SKEW)));

        Job job = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        assertEquals(job.id(), onTime.claim(new ClaimAgentJob("edge", AGENT, 2)).job().id());
        // the heartbeat the agent sent while the claim's answer was on its way: it does not name the job
        AgentBeat beat = ahead.heartbeat(new HeartbeatAgent("edge", AGENT, List.of()));
        Job claimed = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.running, claimed.state(), "within the claim's grace on the database's clock: " + claimed);
        assertEquals(1, beat.running());
    }
}
