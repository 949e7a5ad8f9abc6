package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.operation.AgentBeat;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.plan.PlanBackup;
import coffer.engine.plan.PlanScheduler;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lost-claim gap (docs/design/agents.md "Heartbeats"), on the real catalog, SQLite and PostgreSQL: an agent's
 * heartbeat names the jobs it holds; a running job claimed by the agent that its heartbeats do not name (the claim's
 * answer was lost with its server) is failed {@code WorkerLost} once past the grace, and a plan's run so failed is
 * retried for its slot; a job claimed moments ago is not failed; named jobs no longer the agent's are answered lost.
 * Before the fix a heartbeat stamped every running job of the agent, so the unknown claim stayed running for ever.
 */
class AgentHeartbeatsTest extends CatalogKindFixture {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final String AGENT = "edge:1:aa";

    MutableClock clock;
    HostedAgents agents;

    void open(String kind) throws Exception {
        clock = new MutableClock(T0.minusSeconds(30));
        openWithEdge(kind, clock);
        catalog.instances().refresh("edge", List.of(new Instance("u-web", "edge", "web", "running", List.of(), T0, false)));
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", T0, null)));
        catalog.hosts().serveByAgent("edge", AGENT, clock.instant());
        agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aClaimTheAgentNeverLearnedOfIsFailedWorkerLostAndThePlansRunRetried(String kind) throws Exception {
        open(kind);
        HourlyPlanRun hourly = HourlyPlanRun.queue(catalog, clock, T0);
        PlanScheduler scheduler = hourly.scheduler();
        Job run = hourly.run();
        Job manual = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");

        // the server claims the plan's run for the agent, then its answer is lost (the server died before sending it)
        AgentClaim lostAnswer = agents.claim(new ClaimAgentJob("edge", AGENT, 2));
        assertEquals(run.id(), lostAnswer.job().id());
        // the agent claims again (through another server) and gets the next job: that one it knows of
        Job known = agents.claim(new ClaimAgentJob("edge", AGENT, 2)).job();
        assertEquals(manual.id(), known.id());

        // a heartbeat right after the claim does not name it (in flight): within the grace nothing is failed
        clock.advance(Duration.ofSeconds(5));
        AgentBeat early = agents.heartbeat(new HeartbeatAgent("edge", AGENT, List.of(known.id())));
        assertEquals(2, early.running());
        assertEquals(JobState.running, state(run.id()));

        // past the grace, the heartbeats still do not name it: failed WorkerLost, the named one stamped alive
        clock.advance(HostedAgents.CLAIM_GRACE);
        AgentBeat later = agents.heartbeat(new HeartbeatAgent("edge", AGENT, List.of(known.id())));
        assertEquals(1, later.running());
        assertTrue(later.lost().isEmpty(), later.toString());
        Job failed = catalog.jobs().find(run.id()).orElseThrow();
        assertEquals(JobState.failed, failed.state());
        assertEquals(ErrorCode.WorkerLost.name(), failed.errorCode());
        assertTrue(failed.errorMessage().contains("stopped naming it"), failed.errorMessage());
        Job alive = catalog.jobs().find(known.id()).orElseThrow();
        assertEquals(JobState.running, alive.state());
        assertEquals(clock.instant(), alive.heartbeatAt());
        assertEquals(ErrorCode.WorkerLost.name(), catalog.plans().find("plan-web").orElseThrow().lastOutcome().code());

        // the scheduler runs the plan's slot once more, as for any run whose worker was lost
        clock.advance(Duration.ofSeconds(1));
        List<Job> retried = scheduler.tick().queued();
        assertEquals(1, retried.size(), "the lost run is retried: " + retried);
        assertEquals(run.id(), retried.getFirst().params().path("plan").path("retryOf").asText());
        assertEquals(run.params().path("plan").path("slot"), retried.getFirst().params().path("plan").path("slot"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aClaimSentAgainWithItsIdAnswersTheJobItTookAndNoOther(String kind) throws Exception {
        open(kind);
        Job first = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        Job second = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        String id = java.util.UUID.randomUUID().toString();

        // the answer of the first claim is lost; the agent sends the same claim again (through another server)
        assertEquals(first.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 2, 0, id)).job().id());
        AgentClaim again = agents.claim(new ClaimAgentJob("edge", AGENT, 2, 0, id));
        assertEquals(first.id(), again.job().id(), "the same job, not the next one");
        assertEquals("edge", again.rows().host().id(), "with its rows");
        assertEquals(JobState.queued, state(second.id()), "the repeated claim took nothing more");

        // the agent holds it: past the grace its heartbeats name it, so it is not failed WorkerLost
        clock.advance(HostedAgents.CLAIM_GRACE.plusSeconds(1));
        AgentBeat beat = agents.heartbeat(new HeartbeatAgent("edge", AGENT, List.of(first.id())));
        assertTrue(beat.lost().isEmpty(), beat.toString());
        assertEquals(JobState.running, state(first.id()));

        // a new claim (a new id) takes the next job; the old id, once its job ended, answers nothing and takes nothing
        assertEquals(second.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 2, 0, "claim-2")).job().id());
        assertTrue(catalog.jobs().cancel(first.id()).isPresent());
        assertTrue(catalog.jobs().finish(first.id(), AGENT, new coffer.engine.job.Jobs.Outcome(JobState.cancelled, null,
                ErrorCode.Cancelled.name(), "cancelled"), clock.instant()));
        Job third = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        assertEquals(AgentClaim.NONE, agents.claim(new ClaimAgentJob("edge", AGENT, 2, 0, id)));
        assertEquals(JobState.queued, state(third.id()));
        // another agent's claim of that id is not this one's
        catalog.hosts().serveByAgent("edge", "edge:2:bb", clock.instant());
        assertEquals(third.id(), agents.claim(new ClaimAgentJob("edge", "edge:2:bb", 2, 0, id)).job().id());
    }

    /**
     * The claim's id is recorded by the claim's own transaction: a server that dies right after its claim committed (a
     * fault injected as a trigger that fails a later write of {@code jobs.agent_claim} on the running job, as the second
     * statement of a dying server would) still leaves the job findable by the claim sent again with its id. Before, the
     * id was written by a second statement after the claim's commit: the job stayed running with no id, the claim sent
     * again took the next job, and the first was left to the heartbeats' fallback ({@code WorkerLost} after the grace).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aClaimsIdIsRecordedInTheClaimsTransaction(String kind) throws Exception {
        open(kind);
        Job first = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        Job second = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        serverDiesAfterClaiming(kind, first.id());
        String id = java.util.UUID.randomUUID().toString();

        try {
            agents.claim(new ClaimAgentJob("edge", AGENT, 2, 0, id)); // its answer is lost: the server dies
        } catch (coffer.engine.error.CofferException diedAfterTheClaim) {
            // a server that died after its claim's commit answers nothing either
        }
        assertEquals(JobState.running, state(first.id()), "the claim committed");
        AgentClaim again = agents.claim(new ClaimAgentJob("edge", AGENT, 2, 0, id));
        assertEquals(first.id(), again.job() == null ? null : again.job().id(),
                "the claim sent again with its id answers the job it took");
        assertEquals(JobState.queued, state(second.id()), "and takes no other");
    }

    /** Fault injection: a write of {@code jobs.agent_claim} on {@code job} once it runs fails, as if its server died. */
    private void serverDiesAfterClaiming(String kind, String job) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(database.config().jdbcUrl());
             java.sql.Statement s = c.createStatement()) {
            if (kind.equals("sqlite")) {
                s.execute("CREATE TRIGGER server_dies BEFORE UPDATE OF agent_claim ON jobs WHEN OLD.state = 'running'"
                        + " AND OLD.id = '" + job + "' BEGIN SELECT RAISE(ABORT, 'the server died after its claim committed'); END");
            } else {
                s.execute("CREATE FUNCTION server_dies() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN RAISE EXCEPTION 'the server died after its claim committed'; END $$");
                s.execute("CREATE TRIGGER server_dies BEFORE UPDATE OF agent_claim ON jobs FOR EACH ROW"
                        + " WHEN (OLD.state = 'running' AND OLD.id = '" + job + "') EXECUTE FUNCTION server_dies()");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void namedJobsNoLongerTheAgentsAreAnsweredLostAndCancelRequestsPassedOn(String kind) throws Exception {
        open(kind);
        Job first = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        Job second = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        assertEquals(first.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 2)).job().id());
        assertEquals(second.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 2)).job().id());

        // the agent was cut off: a server found the first job's heartbeat stale and failed it; then the agent is back
        assertTrue(catalog.jobs().failLost(first.id(), AGENT, "worker lost: stale heartbeat", clock.instant()));
        catalog.jobs().cancel(second.id());
        AgentBeat beat = agents.heartbeat(new HeartbeatAgent("edge", AGENT, List.of(first.id(), second.id())));
        assertEquals(List.of(first.id()), beat.lost(), "the agent must stop the job it no longer holds");
        assertEquals(List.of(second.id()), beat.cancelRequested());
        assertEquals(1, beat.running());
        assertEquals(ErrorCode.WorkerLost.name(), catalog.jobs().find(first.id()).orElseThrow().errorCode(),
                "the verdict stands");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aWaitingClaimEndsWhenAJobIsQueuedAndLeavesItToTheAgentsNextClaim(String kind) throws Exception {
        open(kind);
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                agents.claim(new ClaimAgentJob("edge", AGENT, 2, ClaimAgentJob.MAX_WAIT_SECONDS)));
        Job queued = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        AgentClaim woken = waiting.get(ClaimAgentJob.MAX_WAIT_SECONDS * 2L, java.util.concurrent.TimeUnit.SECONDS);
        // a waiting claim never claims: had its agent died meanwhile (the request still held by the server), the job
        // would be running for nobody (AgentIT saw a plan's retry taken so)
        if (woken.job() == null) {
            assertEquals(JobState.queued, state(queued.id()), "the waiting claim took nothing");
            woken = agents.claim(new ClaimAgentJob("edge", AGENT, 2, ClaimAgentJob.MAX_WAIT_SECONDS));
        } // else the job was queued before the claim's first look, which claims at once
        assertEquals(queued.id(), woken.job().id());
        assertEquals(JobState.running, state(queued.id()));
        assertEquals(AgentClaim.NONE, agents.claim(new ClaimAgentJob("edge", AGENT, 2, 1)), "nothing more: empty after its wait");
    }

    private JobState state(String id) {
        return catalog.jobs().find(id).orElseThrow().state();
    }
}
