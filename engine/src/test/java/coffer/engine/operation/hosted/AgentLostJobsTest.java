package coffer.engine.operation.hosted;

import coffer.testing.Await;
import coffer.engine.agent.RemoteJobs;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import coffer.engine.operation.ReportAgentJob;
import coffer.engine.plan.PlanBackup;
import coffer.testing.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent's runner ({@link JobRunner} on {@link RemoteJobs}, the real agent side) against the server's side
 * ({@link HostedAgents}) on the real catalog, SQLite and PostgreSQL, with the HTTP hop replaced by a direct call (named
 * a fake: it can drop an answer the server did send, as a server dying after its claim's commit does):
 * <ul>
 *   <li>a claim whose answer is lost: the agent sends it again with its claim id and gets the same job, which runs
 *       once and is not failed {@code WorkerLost} past the grace (before idempotent claims the agent never ran it and
 *       the server failed it after the grace; the heartbeats' fallback is {@link AgentHeartbeatsTest}'s);</li>
 *   <li>a job failed {@code WorkerLost} while the agent was cut off: the next heartbeat says so, and the agent stops
 *       it and its handler cleans up (before the fix it kept running);</li>
 *   <li>the claims are long polls: a job queued while the agent waits is claimed and started.</li>
 * </ul>
 */
class AgentLostJobsTest extends AgentRunnerFixture {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<Object>> JOBS =
            new java.util.concurrent.atomic.AtomicReference<>(() -> "");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void lostClaimsAreFailedAndJobsNoLongerTheAgentsAreStoppedAndCleanedUp(String kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        openWithEdge(kind, clock);
        catalog.instances().refresh("edge", List.of(new Instance("u-web", "edge", "web", "running", List.of(),
                clock.instant(), false)));
        String agent = JobRunner.newWorkerId();
        catalog.hosts().serveByAgent("edge", agent, clock.instant());
        JOBS.set(() -> catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).stream()
                .map(j -> j.id() + " " + j.state() + " " + j.errorMessage()).toList());
        Direct server = new Direct(new HostedAgents(catalog, PlanBackup.afterSteps(catalog, null, null), clock));

        Set<String> started = ConcurrentHashMap.newKeySet();
        List<String> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Set<String> cleanedUp = ConcurrentHashMap.newKeySet();
        JobHandler<BackupInstance, BackupResult> blocking = (operation, job, context) -> {
            started.add(job.id());
            starts.add(job.id());
            try {
                new CountDownLatch(1).await(); // a long backup, until stopped
                throw new IllegalStateException("not reached");
            } catch (InterruptedException stopped) {
                cleanedUp.add(job.id()); // what a real handler removes: its libvirt job, sockets, scratch files
                throw new CofferException(ErrorCode.Cancelled, "stopped");
            }
        };
        working = Catalog.open(CatalogConfig.sqlite(dir.resolve("agent-catalog.db")));
        working.hosts().ensure("edge", "qemu:///system"); // as the agent does at start
        runner = new JobRunner(new RemoteJobs(server, "edge", agent, working), agent,
                Map.<JobType, JobHandler<?, ?>>of(JobType.backup, blocking),
                JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)));
        runner.start();

        // 1. the server claims a job for the agent, and the answer is lost on its way back: the agent asks again with
        // the same claim id and gets that job (idempotent claims, protocol 3), which runs once; the next job queued
        // meanwhile is not taken by the repeated claim
        server.dropNextClaimAnswer.set(true);
        Job lostAnswer = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        await(() -> state(lostAnswer.id()) == JobState.running && !server.dropNextClaimAnswer.get(), "the lost claim");
        Job queuedMeanwhile = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        await(() -> starts.contains(lostAnswer.id()), "the job whose claim's answer was lost started on the agent");
        String dropped = server.droppedClaimId.get();
        assertEquals(2, server.claimIds.stream().filter(dropped::equals).count(),
                "the claim was sent again with its id: " + server.claimIds);
        clock.advance(HostedAgents.CLAIM_GRACE.plusSeconds(1));
        Instant pastGrace = clock.instant();
        await(() -> !catalog.jobs().find(lostAnswer.id()).orElseThrow().heartbeatAt().isBefore(pastGrace.minusMillis(1)),
                "a heartbeat past the claim's grace names it");
        assertEquals(JobState.running, state(lostAnswer.id()), "not failed WorkerLost: the agent holds it");
        catalog.jobs().cancel(lostAnswer.id());
        await(() -> state(lostAnswer.id()) == JobState.cancelled, "the job cancelled");
        await(() -> starts.contains(queuedMeanwhile.id()), "the job queued meanwhile claimed by the next claim");
        assertEquals(1, starts.stream().filter(lostAnswer.id()::equals).count(), "the job ran once: " + starts);
        catalog.jobs().cancel(queuedMeanwhile.id());
        await(() -> state(queuedMeanwhile.id()) == JobState.cancelled, "the job queued meanwhile cancelled");

        // 2. a job runs on the agent; the servers find it lost (the agent was cut off); the agent is told and stops it
        Job cutOff = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        await(() -> started.contains(cutOff.id()), "the next job started on the agent (claimed by a long poll)");
        assertTrue(catalog.jobs().failLost(cutOff.id(), agent, "worker lost: stale heartbeat", clock.instant()));
        await(() -> cleanedUp.contains(cutOff.id()), "the agent stopped the job no longer its, and it cleaned up");
        assertEquals(ErrorCode.WorkerLost.name(), catalog.jobs().find(cutOff.id()).orElseThrow().errorCode(),
                "the agent's end does not overwrite the verdict");

        // 3. the agent still works: the next job is claimed while its claim waits, and runs
        Job next = catalog.jobs().submit(BackupInstance.of("u-web"), "edge");
        await(() -> started.contains(next.id()), "a job queued during a long poll started");
        assertEquals(JobState.running, state(next.id()));
        assertTrue(server.waits.stream().allMatch(w -> w != null && w > 0), "every claim waits on the server: " + server.waits);
        catalog.jobs().cancel(next.id());
        await(() -> state(next.id()) == JobState.cancelled, "the running job cancelled");
    }

    private JobState state(String id) {
        return catalog.jobs().find(id).orElseThrow().state();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition::getAsBoolean, WAIT, () -> what + "; jobs: " + JOBS.get().get());
    }

    /** A fake of the HTTP hop (not what is tested): the agent's calls go straight to the server's side. */
    static final class Direct implements Operations {
        final HostedAgents agents;
        final AtomicBoolean dropNextClaimAnswer = new AtomicBoolean();
        final List<Integer> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> claimIds = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicReference<String> droppedClaimId = new java.util.concurrent.atomic.AtomicReference<>();

        Direct(HostedAgents agents) {
            this.agents = agents;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R call(Operation<R> operation) {
            Object answer = switch (operation) {
                case ClaimAgentJob c -> {
                    waits.add(c.waitSeconds());
                    claimIds.add(String.valueOf(c.claimId()));
                    AgentClaim claim = agents.claim(c);
                    if (claim.job() != null && dropNextClaimAnswer.getAndSet(false)) {
                        droppedClaimId.set(String.valueOf(c.claimId()));
                        throw new CofferException(ErrorCode.ServerUnreachable, "the server died before answering");
                    }
                    yield claim;
                }
                case HeartbeatAgent h -> agents.heartbeat(h);
                case ReportAgentJob r -> agents.report(r);
                case FinishAgentJob f -> agents.finish(f);
                case coffer.engine.operation.AdoptInterruptedPoint a -> agents.interruptedPoint(a);
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
