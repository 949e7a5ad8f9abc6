package coffer.engine.agent;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.JobRows;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import coffer.engine.operation.AgentBeat;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.Operations;
import coffer.engine.operation.ReportAgentJob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An agent's {@link WorkerJobs}: every call goes to the server through {@link Operations} (the agent endpoints,
 * docs/design/agents.md). A claimed job's rows are written into the agent's working catalog before its handler runs,
 * and the points the handler wrote there go back with the job's end. The agent judges no other worker: {@link #claims}
 * is empty, the servers find lost agents. Timestamps are the server's ({@code now} arguments are not sent).
 *
 * <p><b>Claims are long polls.</b> {@link #claimNext} never waits: it hands over a job a long poll already claimed, or
 * starts one on the claiming thread and answers none. The long poll ({@link ClaimAgentJob} with
 * {@link #WAIT_SECONDS}) waits on the server until a job of the host is queued; its job is handed over at the runner's
 * wake-up ({@link #whenChanged}, the runner's own listener), so it starts at once. Each claim carries an id of its own
 * (a UUID); a claim that failed (no answer: the connection dropped, every server failed) is sent again with the same
 * id, so a job the server claimed before its answer was lost is answered again and runs here (idempotent claims). The runner asks only while it has a
 * free worker, so a poll runs only then, and asks again after an empty answer until it gets a job. The runner's loop
 * (heartbeats, cancels, progress) is never held by a waiting claim.
 *
 * <p><b>Held jobs.</b> The jobs claimed and not yet ended are named in every heartbeat; the server fails a job of the
 * agent that its heartbeats stop naming (a claim whose answer was lost), and answers which named jobs are no longer the
 * agent's: {@link #cancelRequested} returns those too, so the runner stops them and they clean up.
 *
 * <p>Thread-safe (the transport and the catalog are; the held set and hand-over queue are concurrent).
 */
public final class RemoteJobs implements WorkerJobs {
    private static final System.Logger LOG = System.getLogger(RemoteJobs.class.getName());
    /** How long the end of a job is retried while the server cannot be reached, before the job is left to be lost. */
    private static final Duration END_RETRY = Duration.ofMinutes(2);
    /** How long one claim waits on the server for a job (a long poll), below HTTP idle timeouts. */
    static final int WAIT_SECONDS = 20;
    /** The pause after a failed long poll (every server unreachable) before the next. */
    private static final Duration POLL_BACK_OFF = Duration.ofSeconds(1);

    private final Operations server;
    private final String hostId;
    private final String workerId;
    private final Catalog working;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Job> claimed = new LinkedBlockingQueue<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService claiming;
    private volatile boolean closed;

    /** The jobs of {@code hostId} for the agent {@code workerId} (its runner's), with its working catalog. */
    public RemoteJobs(Operations server, String hostId, String workerId, Catalog working) {
        this.server = server;
        this.hostId = hostId;
        this.workerId = workerId;
        this.working = working;
        this.claiming = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("coffer-agent-claims")
                .unstarted(r));
    }

    /** A job a long poll claimed, else none (a long poll is started if none runs). */
    @Override
    public Optional<Job> claimNext(String workerId, int perHostLimit, Instant now) {
        Job job = claimed.poll();
        if (job != null) {
            return Optional.of(job);
        }
        if (!closed && polling.compareAndSet(false, true)) {
            try {
                claiming.execute(() -> poll(perHostLimit));
            } catch (RejectedExecutionException stopped) {
                polling.set(false);
            }
        }
        return Optional.empty();
    }

    /** On the claiming thread: long polls until a job is claimed (or the agent stops), then wakes the runner. */
    private void poll(int perHostLimit) {
        try {
            String claimId = null;
            while (!closed) {
                AgentClaim claim;
                if (claimId == null) {
                    claimId = UUID.randomUUID().toString();
                }
                try {
                    claim = server.call(new ClaimAgentJob(hostId, workerId, perHostLimit, WAIT_SECONDS, claimId));
                } catch (CofferException e) {
                    if (closed || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    // sent again with the same id: the server may have claimed a job whose answer was lost
                    LOG.log(System.Logger.Level.WARNING, "agent " + workerId + ": claim " + claimId + " failed ("
                            + e.getMessage() + "): asking again with the same claim id");
                    Thread.sleep(POLL_BACK_OFF);
                    continue;
                }
                claimId = null; // answered: the next claim is a new one
                if (claim.job() != null) {
                    take(claim);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            polling.set(false);
        }
    }

    private void take(AgentClaim claim) {
        Job job = claim.job();
        held.add(job.id());
        try {
            claim.rows().copyInto(working);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "job " + job.id() + ": cannot keep its rows: " + e.getMessage(), e);
            end(job, "cannot keep the job's rows in the agent's working catalog: " + e.getMessage());
            return;
        }
        if (closed) { // claimed while the agent stopped: given back at once instead of left to be found lost
            end(job, "agent stopping");
            return;
        }
        claimed.add(job);
        listeners.forEach(Runnable::run);
    }

    /** Ends a claimed job that will not run here (cancelled), so it is not left running. */
    private void end(Job job, String why) {
        Thread.interrupted(); // the claiming thread, stopped with the agent: the end is still sent
        try {
            finish(job.id(), workerId, new Jobs.Outcome(JobState.cancelled, null, ErrorCode.Cancelled.name(), why),
                    Instant.now());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "job " + job.id() + ": cannot end it (" + e.getMessage()
                    + "); the server fails it WorkerLost");
        }
    }

    @Override
    public int heartbeat(String workerId, Instant now) {
        return beat().running();
    }

    /** The held jobs whose cancellation was requested, and those the server says are no longer this agent's. */
    @Override
    public List<String> cancelRequested(String workerId) {
        AgentBeat beat = beat();
        if (beat.lost().isEmpty()) {
            return beat.cancelRequested();
        }
        LOG.log(System.Logger.Level.WARNING, "agent " + workerId + ": jobs " + beat.lost()
                + " are no longer this agent's (found lost while it was cut off?): stopping them");
        List<String> stop = new ArrayList<>(beat.cancelRequested());
        stop.addAll(beat.lost());
        return stop;
    }

    private AgentBeat beat() {
        return server.call(new HeartbeatAgent(hostId, workerId, List.copyOf(held)));
    }

    @Override
    public void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds) {
        server.call(new ReportAgentJob(id, workerId, null, null, bytesDone, bytesTotal, bytesPerSecond, etaSeconds,
                null));
    }

    @Override
    public void appendLog(String id, String level, String message) {
        server.call(new ReportAgentJob(id, workerId, level, message, null, null, null, null, mountOf(id)));
    }

    /** Sends the job's end; the job stays held (named in heartbeats) until the server has the end or gave up on it. */
    @Override
    public boolean finish(String id, String workerId, Jobs.Outcome outcome, Instant now) {
        FinishAgentJob end = new FinishAgentJob(id, workerId, outcome.state(), outcome.result(), outcome.errorCode(),
                outcome.errorMessage(), JobRows.writtenBy(working, id), JobRows.replicationsBy(working, id),
                JobRows.samplesBy(working, id), JobRows.alertsBy(working, id), JobRows.groupPointsBy(working, id),
                JobRows.drillRunsBy(working, id), mountOf(id));
        try {
            return retried(() -> server.call(end).accepted());
        } finally {
            held.remove(id);
        }
    }

    /** The mount job {@code id} serves, as the working catalog has it (none for other jobs): the servers list it. */
    private List<coffer.engine.catalog.MountRecord> mountOf(String id) {
        return working.mounts().find(id).stream().toList();
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

    /**
     * Calls {@code listener} when a long poll claimed a job (the runner's wake-up). Closing the registration (the runner
     * closing) stops the long polls: a job claimed after that is ended cancelled at once.
     */
    @Override
    public Jobs.Subscription whenChanged(Runnable listener) {
        listeners.add(listener);
        return () -> {
            listeners.remove(listener);
            if (listeners.isEmpty()) {
                close();
            }
        };
    }

    /** Stops the long polls; the jobs claimed but not handed over are ended cancelled ("agent stopping"). */
    private void close() {
        closed = true;
        claiming.shutdownNow();
        for (Job job = claimed.poll(); job != null; job = claimed.poll()) {
            end(job, "agent stopping");
        }
    }
}
