package coffer.engine.operation.hosted;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent's job's end records only points of instances on the job's host (docs/design/agents.md, "Tokens bound to a
 * host"), on the server's side ({@link HostedAgents}) on the real catalog, SQLite and PostgreSQL: a point row naming an
 * instance of another host, or one the catalog does not know, is refused {@code Forbidden} naming the point, the
 * instance and both hosts, and nothing of the end is recorded (not the job's own points before it, not the job's end);
 * the job's own host's point is then recorded. Before (docs/reliability.md, session 20) the rows were checked to be the
 * job's only, so an agent could file points under any host's instance.
 */
class AgentPointHostTest extends CatalogKindFixture {
    private static final String AGENT = "edge:1:aa";

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentsEndRecordsPointsOfItsJobsHostOnly(String kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        openWithEdge(kind, clock);
        HostedAgents agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
        catalog.hosts().ensure("far", "qemu+ssh://far/system");
        catalog.instances().refresh("far", List.of(new Instance("u-far", "far", "far", "running", List.of(),
                clock.instant(), false)));
        agents.announce(new AnnounceAgent("edge", "qemu:///system", AGENT, AgentProtocol.VERSION, AgentProtocol.PROTOCOL,
                List.of(new Instance("u-web", "edge", "web", "running", List.of(), clock.instant(), false)),
                List.of("west")));
        Job job = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        assertEquals(job.id(), agents.claim(new ClaimAgentJob("edge", AGENT, 1, 0)).job().id());

        PointRecord own = point("20261207-040000-aaaaaaaa", "u-web", job);
        PointRecord farOne = point("20261207-040000-bbbbbbbb", "u-far", job);
        CofferException refused = assertThrows(CofferException.class, () -> agents.finish(end(job, own, farOne)));
        assertEquals(ErrorCode.Forbidden, refused.code(), refused.getMessage());
        assertEquals("points: point " + farOne.id() + " is of instance u-far on host 'far'; job " + job.id()
                + " runs for host 'edge' and records points of its instances only", refused.getMessage());
        assertTrue(catalog.points().find(own.id()).isEmpty(), "nothing of the refused end recorded: not its own point");
        assertTrue(catalog.points().find(farOne.id()).isEmpty(), "nor the other host's");
        assertEquals(JobState.running, catalog.jobs().find(job.id()).orElseThrow().state(), "the job not ended");

        PointRecord unknown = point("20261207-040000-cccccccc", "u-nowhere", job);
        CofferException notKnown = assertThrows(CofferException.class, () -> agents.finish(end(job, unknown)));
        assertEquals(ErrorCode.Forbidden, notKnown.code(), notKnown.getMessage());
        assertTrue(notKnown.getMessage().contains("instance u-nowhere, which the catalog does not know"),
                notKnown.getMessage());
        assertTrue(catalog.points().find(unknown.id()).isEmpty());

        assertTrue(agents.finish(end(job, own)).accepted(), "the point of the job's host's instance");
        assertEquals("u-web", catalog.points().find(own.id()).orElseThrow().instanceId());
        assertEquals(JobState.failed, catalog.jobs().find(job.id()).orElseThrow().state());
    }

    private static PointRecord point(String id, String instance, Job job) {
        return new PointRecord(id, "west", instance, instance, job.createdAt(), "available", "CRASH", 3000, 1200, null,
                job.id(), List.of(new PointRecord.PointDisk("vda", 1000, 200)));
    }

    /** A failed end carrying {@code points} (a failed end records its rows as a succeeded one does). */
    private static FinishAgentJob end(Job job, PointRecord... points) {
        return new FinishAgentJob(job.id(), AGENT, JobState.failed, null, ErrorCode.Internal.name(), "failed on purpose",
                List.of(points), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
