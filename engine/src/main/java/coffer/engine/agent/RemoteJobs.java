package coffer.engine.agent;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.JobRows;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.Operations;
import coffer.engine.operation.ReportAgentJob;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An agent's {@link WorkerJobs}: every call goes to the server through {@link Operations} (the agent endpoints,
 * docs/design/agents.md). A claimed job's rows are written into the agent's working catalog before its handler runs,
 * and the points the handler wrote there go back with the job's end. The agent judges no other worker: {@link #claims}
 * is empty, the servers find lost agents. Timestamps are the server's ({@code now} arguments are not sent).
 * Thread-safe (the transport and the catalog are).
 */
public final class RemoteJobs implements WorkerJobs {
    /** How long the end of a job is retried while the server cannot be reached, before the job is left to be lost. */
    private static final Duration END_RETRY = Duration.ofMinutes(2);

    private final Operations server;
    private final String hostId;
    private final String workerId;
    private final Catalog working;

    /** The jobs of {@code hostId} for the agent {@code workerId} (its runner's), with its working catalog. */
    public RemoteJobs(Operations server, String hostId, String workerId, Catalog working) {
        this.server = server;
        this.hostId = hostId;
        this.workerId = workerId;
        this.working = working;
    }

    @Override
    public Optional<Job> claimNext(String workerId, int perHostLimit, Instant now) {
        AgentClaim claim = server.call(new ClaimAgentJob(hostId, workerId, perHostLimit));
        if (claim.job() == null) {
            return Optional.empty();
        }
        JobRows rows = claim.rows();
        rows.copyInto(working);
        return Optional.of(claim.job());
    }

    @Override
    public int heartbeat(String workerId, Instant now) {
        return server.call(new HeartbeatAgent(hostId, workerId)).running();
    }

    @Override
    public List<String> cancelRequested(String workerId) {
        return server.call(new HeartbeatAgent(hostId, workerId)).cancelRequested();
    }

    @Override
    public void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds) {
        server.call(new ReportAgentJob(id, workerId, null, null, bytesDone, bytesTotal, bytesPerSecond, etaSeconds));
    }

    @Override
    public void appendLog(String id, String level, String message) {
        server.call(new ReportAgentJob(id, workerId, level, message, null, null, null, null));
    }

    @Override
    public boolean finish(String id, String workerId, Jobs.Outcome outcome, Instant now) {
        FinishAgentJob end = new FinishAgentJob(id, workerId, outcome.state(), outcome.result(), outcome.errorCode(),
                outcome.errorMessage(), JobRows.writtenBy(working, id), JobRows.replicationsBy(working, id),
                JobRows.samplesBy(working, id), JobRows.alertsBy(working, id), JobRows.groupPointsBy(working, id),
                JobRows.drillRunsBy(working, id));
        return retried(() -> server.call(end).accepted());
    }

    /** Calls again while the server is unreachable or busy, up to {@link #END_RETRY}: a finished job's end is worth it. */
    private static <T> T retried(Supplier<T> call) {
        long deadline = System.nanoTime() + END_RETRY.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (CofferException e) {
                boolean transientFailure = e.code() == ErrorCode.ServerUnreachable || e.code() == ErrorCode.ServerBusy;
                if (!transientFailure || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Empty: an agent does not judge other workers (the servers do, docs/design/agents.md). */
    @Override
    public List<Jobs.Claim> claims() {
        return List.of();
    }

    @Override
    public boolean failLost(String id, String workerId, String message, Instant now) {
        return false;
    }

    /** Nothing to listen to: the agent's own submits do not exist, and the server's are seen at the next poll. */
    @Override
    public Jobs.Subscription whenChanged(Runnable listener) {
        return () -> {
        };
    }
}
