package coffer.engine.operation.hosted;

import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.MountRecord;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.ReportAgentJob;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mount rows of a mount job an agent runs, on the server's side ({@link HostedAgents}) on the real catalog, SQLite
 * and PostgreSQL (docs/design/agents.md, "A mount on the agent"): the claim carries the instance mounted into; a
 * report's and an end's mount row is kept only when it is the job's own (another mount, or the job's with another
 * instance, is refused {@code InvalidArgument}); the end's row ends the servers'; a mount whose job ended without
 * ending it (its agent lost) is ended {@code STALE} at the agent's next announce.
 */
class AgentMountRowsTest extends CatalogKindFixture {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aMountsRowsComeFromItsOwnJobOnly(String kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        open(kind, clock);
        HostedAgents agents = new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock);
        String agent = "edge:1:aa";
        List<Instance> instances = List.of(
                new Instance("u-web", "edge", "web", "running", List.of(), clock.instant(), false),
                new Instance("u-db", "edge", "db", "running", List.of(), clock.instant(), false));
        agents.announce(new AnnounceAgent("edge", "qemu:///system", agent, AgentProtocol.VERSION, AgentProtocol.PROTOCOL,
                instances, List.of("west")));
        String point = "20250101-000000-aaaaaaaa";
        catalog.points().upsert(new PointRecord(point, "west", "u-web", "web", clock.instant().minusSeconds(60),
                "available", "CRASH", 3000, 1200, null, null, List.of(new PointRecord.PointDisk("vdb", 1000, 200))));
        Job queued = catalog.jobs().submit(new MountDisk(point, "vdb", "u-db", "1h"), "edge");

        AgentClaim claim = agents.claim(new ClaimAgentJob("edge", agent, 1, 0));
        assertEquals(queued.id(), claim.job().id(), "the mount is the agent's (it names the point's vault)");
        assertEquals(JobType.mount, claim.job().type());
        assertTrue(claim.rows().instances().stream().anyMatch(i -> i.id().equals("u-db")), "the instance mounted into");
        assertTrue(claim.rows().points().stream().anyMatch(p -> p.id().equals(point)), "the point");

        String id = queued.id();
        Instant expires = clock.instant().plusSeconds(3600);
        MountRecord made = new MountRecord(id, point, "vdb", "u-db", "edge", null, "/run/coffer/mounts/" + id + "/nbd.sock",
                clock.instant(), expires, null, null, null);
        MountRecord attached = new MountRecord(id, point, "vdb", "u-db", "edge", "vdc", made.socket(), made.createdAt(),
                expires, null, null, null);
        assertTrue(agents.report(report(id, agent, made)).accepted());
        assertNull(catalog.mounts().find(id).orElseThrow().target(), "made, not attached yet");
        assertTrue(agents.report(report(id, agent, attached)).accepted());
        assertEquals("vdc", catalog.mounts().find(id).orElseThrow().target());
        assertEquals(List.of(id), catalog.mounts().active().stream().map(MountRecord::id).toList(), "listed active");

        MountRecord otherInstance = new MountRecord(id, point, "vdb", "u-web", "edge", "vdc", made.socket(),
                made.createdAt(), expires, null, null, null);
        MountRecord otherId = new MountRecord("not-the-job", point, "vdb", "u-db", "edge", "vdc", made.socket(),
                made.createdAt(), expires, null, null, null);
        for (MountRecord wrong : List.of(otherInstance, otherId)) {
            CofferException refused = assertThrows(CofferException.class, () -> agents.report(report(id, agent, wrong)));
            assertEquals(ErrorCode.InvalidArgument, refused.code(), refused.getMessage());
        }
        assertTrue(catalog.mounts().find("not-the-job").isEmpty(), "nothing of a refused row is kept");

        Instant ended = clock.instant().plusSeconds(5);
        MountRecord unmounted = new MountRecord(id, point, "vdb", "u-db", "edge", "vdc", made.socket(), made.createdAt(),
                expires, ended, MountRecord.EndReason.UNMOUNTED, "cancelled");
        assertTrue(agents.finish(new FinishAgentJob(id, agent, JobState.cancelled, null, ErrorCode.Cancelled.name(),
                "unmounted", null, null, null, null, null, null, List.of(unmounted))).accepted());
        MountRecord after = catalog.mounts().find(id).orElseThrow();
        assertEquals(MountRecord.EndReason.UNMOUNTED, after.endReason());
        assertEquals(ended, after.endedAt());
        assertTrue(catalog.mounts().active().isEmpty());

        // the agent lost under a mount: its job failed WorkerLost, the row still active until the agent's next announce
        Job second = catalog.jobs().submit(new MountDisk(point, "vdb", "u-db", "1h"), "edge");
        assertEquals(second.id(), agents.claim(new ClaimAgentJob("edge", agent, 1, 0)).job().id());
        agents.report(report(second.id(), agent, new MountRecord(second.id(), point, "vdb", "u-db", "edge", "vdc",
                made.socket(), clock.instant(), expires, null, null, null)));
        assertTrue(catalog.jobs().failLost(second.id(), agent, "worker lost: stale heartbeat", clock.instant()));
        assertFalse(catalog.mounts().active().isEmpty());
        agents.announce(new AnnounceAgent("edge", "qemu:///system", "edge:2:bb", AgentProtocol.VERSION,
                AgentProtocol.PROTOCOL, instances, List.of("west")));
        assertEquals(MountRecord.EndReason.STALE, catalog.mounts().find(second.id()).orElseThrow().endReason());
    }

    private static ReportAgentJob report(String job, String agent, MountRecord mount) {
        return new ReportAgentJob(job, agent, "info", "mount", null, null, null, null, List.of(mount));
    }
}
