package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's end wakes the agents' waiting claims (docs/design/agents.md "Long polls"), on SQLite and PostgreSQL: the end
 * of an agent's job on a host at its limit frees a place, and the claims waiting for one hear it from the end itself
 * (before the end's call returns, in the server that records it; through NOTIFY in the other servers of a PostgreSQL
 * catalog), not at their next look a second later. Asserted by order and events, not by time: before the change an end
 * told no listener, so the claims learned of it only by looking again.
 */
class AgentClaimWakeTest extends CatalogKindFixture {
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final String AGENT = "edge:1:aa";

    private HostedAgents agents;

    private void open(String kind) throws Exception {
        MutableClock clock = new MutableClock(T0);
        openWithEdge(kind, clock);
        catalog.instances().refresh("edge", List.of(new Instance("u-web", "edge", "web", "running", List.of(), T0, false)));
        catalog.hosts().serveByAgent("edge", AGENT, clock.instant());
        agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentsJobEndWakesTheWaitingClaimsOfItsHost(String kind) throws Exception {
        open(kind);
        Job first = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        Job second = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        assertEquals(first.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 1)).job().id());
        assertNull(agents.claim(new ClaimAgentJob("edge", AGENT, 1)).job(), "the host is at its limit");

        // a claim waits for a place (the agent has a free worker); the end of the first job frees one
        CompletableFuture<AgentClaim> waiting = CompletableFuture.supplyAsync(() ->
                agents.claim(new ClaimAgentJob("edge", AGENT, 1, ClaimAgentJob.MAX_WAIT_SECONDS)));
        CountDownLatch woken = new CountDownLatch(1);
        long ended;
        try (Jobs.Subscription ignored = catalog.jobs().whenChangedAnywhere(woken::countDown)) {
            assertTrue(agents.finish(failed(first)).accepted());
            ended = System.nanoTime();
            assertEquals(0, woken.getCount(), "the end told the waiting claims before its call returned");
        }
        AgentClaim answer = waiting.get(ClaimAgentJob.MAX_WAIT_SECONDS * 2L, TimeUnit.SECONDS);
        System.out.printf("%s: the waiting claim answered %d ms after the end (indicative)%n", kind,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended));
        if (answer.job() == null) { // a waiting claim never claims: the agent's next claim takes the job
            assertEquals(JobState.queued, catalog.jobs().find(second.id()).orElseThrow().state());
            answer = agents.claim(new ClaimAgentJob("edge", AGENT, 1));
        } // else the end came before the claim's first look, which claims at once
        assertEquals(second.id(), answer.job().id());
    }

    /** The end of an agent's job recorded by one server wakes the waiting claims another server holds (NOTIFY). */
    @Test
    void anEndRecordedByOneServerWakesTheClaimsWaitingOnAnotherOnPostgresql() throws Exception {
        open("postgresql");
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(catalog.jobs().submit(BackupInstance.of("u-web"), "edge"));
        }
        for (Job ignored : jobs) {
            assertTrue(agents.claim(new ClaimAgentJob("edge", AGENT, jobs.size())).job() != null);
        }
        AtomicInteger heard = new AtomicInteger();
        try (Catalog other = Catalog.open(database.config());
             Jobs.Subscription ignored = other.jobs().whenChangedAnywhere(heard::incrementAndGet)) {
            // the other server hears the submits once it listens: wait for that, then for the submits' notices to pass
            for (int i = 0; i < 600 && heard.get() == 0; i++) {
                catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertTrue(heard.get() > 0, "the other server listens");
            for (int before = -1; before != heard.get(); ) {
                before = heard.get();
                TimeUnit.SECONDS.sleep(1);
            }
            // only ends from here on (claims send no notice): each is heard by the other server
            int quiet = heard.get();
            for (Job job : jobs) {
                assertTrue(agents.finish(failed(job)).accepted());
                for (int i = 0; i < 50 && heard.get() == quiet; i++) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                if (heard.get() > quiet) {
                    break;
                }
            }
            assertTrue(heard.get() > quiet, "an agent's job end is heard by the other server's waiting claims");
        }
    }

    private static FinishAgentJob failed(Job job) {
        return new FinishAgentJob(job.id(), AGENT, JobState.failed, null, ErrorCode.Internal.name(), "failed on purpose",
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
