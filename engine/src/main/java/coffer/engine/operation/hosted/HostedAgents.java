package coffer.engine.operation.hosted;

import coffer.engine.TestPeriods;
import coffer.engine.agent.AgentProtocol;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.ChangeSample;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Host;
import coffer.engine.catalog.Hosts;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.JobRows;
import coffer.engine.catalog.MountRecord;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.catalog.Token;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.AdoptInterruptedPoint;
import coffer.engine.operation.AgentAck;
import coffer.engine.operation.AgentBeat;
import coffer.engine.operation.AgentClaim;
import coffer.engine.operation.AgentWelcome;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.ReleaseAgentHost;
import coffer.engine.operation.InterruptedRunPoint;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.ReportAgentJob;
import coffer.engine.plan.LostPoints;
import coffer.engine.plan.PlanBackup;
import coffer.engine.replication.RetryBackoff;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The server's side of the agent protocol (docs/design/agents.md), on its catalog: an agent's announce (the version
 * handshake, its host marked served by it, its instances taken), its claims of its host's jobs with the rows their
 * handlers read, heartbeats, reports and ends. A job's end from an agent is checked against the job's worker (an agent
 * found lost cannot overwrite the verdict) and, for a succeeded backup, followed by what the in-process worker does
 * after one ({@link PlanBackup#afterBackup}). A mount job's reports and end carry its mount row, kept when it is the
 * job's own. Thread-safe (the catalog is).
 */
final class HostedAgents {
    /**
     * How often an agent heart-beats, and when the server's runners take its jobs for lost (docs/design/jobs.md); a test
     * may shorten both ({@link TestPeriods}).
     */
    static final int HEARTBEAT_SECONDS = 5;
    static final int STALE_SECONDS = 30;
    /**
     * A running job an agent's heartbeat does not name is failed only when claimed longer ago than this: a claim
     * answered while the heartbeat was on its way is not failed (also covers some clock skew between servers).
     */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(15);
    /** How often a waiting claim looks at the catalog for jobs queued by another server. */
    static final Duration LOOK_AGAIN = Duration.ofSeconds(1);
    /** The change samples a backup's claim carries: the most a baseline reads ({@code ChangeRules.window}, at most 1000). */
    private static final int SAMPLES = 1000;

    private final Catalog catalog;
    private final PlanBackup after;
    private final Clock clock;
    /** Null: an agent's retry of an interrupted run is told of no committed point (it backs the slot up). */
    private final LostPoints lost;
    private final AgentTokenHosts tokenHosts;
    private final int heartbeatSeconds = (int) TestPeriods.of(TestPeriods.HEARTBEAT, Duration.ofSeconds(HEARTBEAT_SECONDS))
            .toSeconds();
    private final int staleSeconds = (int) TestPeriods.of(TestPeriods.STALE, Duration.ofSeconds(STALE_SECONDS)).toSeconds();

    HostedAgents(Catalog catalog, PlanBackup after, Clock clock) {
        this(catalog, after, clock, null);
    }

    /** With {@code lost}: an agent's retry of an interrupted run is answered the point that run committed. */
    HostedAgents(Catalog catalog, PlanBackup after, Clock clock, LostPoints lost) {
        this.catalog = catalog;
        this.after = after;
        this.clock = clock;
        this.lost = lost;
        this.tokenHosts = new AgentTokenHosts(catalog);
    }

    AgentWelcome announce(AnnounceAgent announce) {
        return announce(announce, null);
    }

    /** The announce of an agent authenticated by {@code token} (null: an in-process caller, not checked). */
    AgentWelcome announce(AnnounceAgent announce, Token token) {
        tokenHosts.announce(token, announce);
        AgentProtocol.requireSame("agent " + announce.agent() + " of host " + announce.host(), announce.version(),
                announce.protocol(), "this server");
        Host host = catalog.hosts().find(announce.host()).orElseGet(() -> register(announce));
        Instant now = clock.instant();
        Optional<Hosts.AgentSeen> keeps = catalog.hosts().takeForAgent(host.id(), announce.agent(), announce.identity(),
                now, now.minusSeconds(staleSeconds));
        if (keeps.isPresent()) { // another agent serves the host and is alive: one agent per host
            throw new CofferException(ErrorCode.AgentHostTaken, "host '" + host.id() + "' is served by agent "
                    + keeps.get().agent() + ", last seen at " + keeps.get().seenAt() + " (" + ago(keeps.get().seenAt(), now)
                    + ", within the stale limit of " + staleSeconds + " s): agent " + announce.agent()
                    + (announce.identity() == null ? ", which names no identity," : " (identity " + announce.identity() + ")")
                    + " is another agent and is refused; run one agent per host name");
        }
        catalog.instances().refresh(host.id(), announce.instances());
        catalog.hosts().agentVaults(host.id(), announce.vaults(), announce.defaultVault());
        endLostMounts(host.id());
        return new AgentWelcome(host.id(), AgentProtocol.VERSION, AgentProtocol.PROTOCOL, heartbeatSeconds, staleSeconds);
    }

    /**
     * A host first named by its agent. Its libvirt URI is the agent's (host-relative, often {@code qemu:///system}): when
     * another host has that URI already, it is kept as {@code <uri>#<host>} (the servers never connect to an agent's
     * host: its agent does).
     */
    private Host register(AnnounceAgent announce) {
        Host host = catalog.hosts().ensure(announce.host(), announce.uri());
        return host.id().equals(announce.host()) ? host
                : catalog.hosts().ensure(announce.host(), announce.uri() + "#" + announce.host());
    }

    /**
     * Claims the host's next job for the agent; a long poll (docs/design/agents.md "Long polls"): when there is none, it
     * waits up to the claim's {@code waitSeconds} and answers (empty) as soon as one can be claimed, for the agent to
     * claim it at once with its next call: at once when it was queued through this catalog, or on PostgreSQL by another
     * server of it ({@link Jobs#whenChangedAnywhere}), and when an agent's job ended here or there, freeing a place on its
     * host ({@link Jobs#wakeWaitingClaims}); else at the latest at the next look, every {@link #LOOK_AGAIN} (a change
     * not heard, or the end of a server's job on the host). A waiting claim never claims: an agent that died while its claim waited (its request still
     * held here) takes no job. A claim sent again with the id of one that took a job (its answer was lost) answers that
     * job again while it runs for the agent, and nothing once it ended; it never takes another.
     */
    AgentClaim claim(ClaimAgentJob claim) {
        return claim(claim, null);
    }

    /** A claim of an agent authenticated by {@code token} (null: an in-process caller, not checked). */
    AgentClaim claim(ClaimAgentJob claim, Token token) {
        tokenHosts.forHost(token, claim.host());
        seen(claim.host(), claim.agent());
        if (claim.claimId() != null) {
            Optional<Job> again = catalog.jobs().claimedByAgent(claim.claimId(), claim.agent());
            if (again.isPresent()) { // the claim sent again: its answer was lost; the job it took, if it still runs for it
                Job taken = again.get();
                boolean runs = taken.state() == JobState.running && taken.hostId().equals(claim.host()); // its worker's
                return runs ? new AgentClaim(taken, rows(taken)) : AgentClaim.NONE;
            }
        }
        Optional<Job> job = catalog.jobs().claimForAgent(claim.host(), claim.agent(), claim.claimId(), claim.perHostLimit(),
                clock.instant());
        if (job.isPresent()) {
            JobRows rows = rows(job.get());
            replicationRunning(job.get());
            return new AgentClaim(job.get(), rows);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(claim.waitSeconds() == null ? 0 : claim.waitSeconds()).toNanos();
        Semaphore changed = new Semaphore(0);
        try (Jobs.Subscription ignored = catalog.jobs().whenChangedAnywhere(changed::release)) {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                if (changed.tryAcquire(Math.min(left, LOOK_AGAIN.toNanos()), TimeUnit.NANOSECONDS)) {
                    changed.drainPermits();
                }
                if (catalog.jobs().claimableForAgent(claim.host(), claim.agent(), claim.perHostLimit())) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return AgentClaim.NONE;
    }

    /**
     * Stamps the jobs the agent names alive; fails {@code WorkerLost} its running jobs it no longer names once they
     * were claimed more than {@link #CLAIM_GRACE} ago (a claim whose answer never reached it: the agent does not know
     * it holds the job, docs/design/agents.md); answers which named jobs are to be cancelled and which are no longer
     * the agent's (the agent stops those).
     */
    AgentBeat heartbeat(HeartbeatAgent beat) {
        return heartbeat(beat, null);
    }

    /** A heartbeat of an agent authenticated by {@code token} (null: an in-process caller, not checked). */
    AgentBeat heartbeat(HeartbeatAgent beat, Token token) {
        tokenHosts.forHost(token, beat.host());
        seen(beat.host(), beat.agent());
        Instant now = clock.instant();
        Set<String> named = Set.copyOf(beat.running());
        List<Jobs.Held> held = catalog.jobs().runningOf(beat.agent());
        Set<String> mine = new HashSet<>();
        List<String> cancel = new ArrayList<>();
        boolean failed = false;
        for (Jobs.Held job : held) {
            boolean unknownToAgent = !named.contains(job.jobId()) && job.startedAt() != null
                    && job.startedAt().isBefore(now.minus(CLAIM_GRACE));
            if (unknownToAgent && catalog.jobs().failLost(job.jobId(), beat.agent(), "worker lost: agent " + beat.agent()
                    + " does not run it (its heartbeats stopped naming it: the answer to its claim was lost, or it"
                    + " dropped the job); nothing half-written was kept", now)) {
                failed = true;
                continue;
            }
            mine.add(job.jobId());
            if (job.cancelRequested()) {
                cancel.add(job.jobId());
            }
        }
        if (failed) { // places on the host are free
            catalog.jobs().wakeWaitingClaims();
        }
        int running = catalog.jobs().heartbeat(beat.agent(), now);
        List<String> lost = beat.running().stream().filter(id -> !mine.contains(id)).toList();
        return new AgentBeat(running, cancel, lost);
    }

    /**
     * An agent stopping cleanly hands its host over ({@link ReleaseAgentHost}): still agent-served, unseen, so another
     * agent takes it at once; {@code accepted: false} when the agent no longer serves it (nothing changed). An agent
     * killed ({@code kill -9}) sends none: another agent waits for the stale limit, as before.
     */
    AgentAck release(ReleaseAgentHost release, Token token) {
        tokenHosts.forHost(token, release.host());
        return new AgentAck(catalog.hosts().releaseAgent(release.host(), release.agent()));
    }

    AgentAck report(ReportAgentJob report) {
        return report(report, null);
    }

    /**
     * A report of an agent authenticated by {@code token} (null: an in-process caller, not checked): the job is read
     * once, for the token's host and for its mount rows. A job that does not exist is answered not accepted.
     */
    AgentAck report(ReportAgentJob report, Token token) {
        Optional<Job> found = catalog.jobs().find(report.job());
        if (found.isEmpty()) {
            return new AgentAck(false);
        }
        Job job = found.get();
        tokenHosts.forHost(token, job.hostId());
        if (!runsFor(job.id(), report.agent())) {
            return new AgentAck(false);
        }
        if (!report.mounts().isEmpty()) {
            report.mounts().forEach(mount -> catalog.mounts().mirror(mountOf(job, mount)));
        }
        if (report.message() != null) {
            catalog.jobs().appendLog(report.job(), report.level(), report.message());
        }
        if (report.bytesDone() != null) {
            catalog.jobs().progress(report.job(), report.bytesDone(), report.bytesTotal(), report.bytesPerSecond(),
                    report.etaSeconds());
        }
        return new AgentAck(true);
    }

    AgentAck finish(FinishAgentJob end) {
        return finish(end, null);
    }

    /**
     * The end of an agent's job, the agent authenticated by {@code token} (null: an in-process caller, not checked), with
     * the rows it wrote; each is checked to be the job's, and a point's instance to be on the job's host (an agent acts
     * for its host only, docs/design/agents.md), before anything is recorded.
     */
    AgentAck finish(FinishAgentJob end, Token token) {
        Job job = catalog.jobs().find(end.job()).orElseThrow(() -> new CofferException(ErrorCode.JobNotFound,
                "job " + end.job() + " does not exist"));
        tokenHosts.forHost(token, job.hostId());
        if (!runsFor(job.id(), end.agent())) {
            return new AgentAck(false);
        }
        JobState state = end.state();
        String code = end.errorCode();
        String message = end.errorMessage();
        for (PointRecord point : end.points()) {
            if (!job.id().equals(point.jobId())) {
                throw new CofferException(ErrorCode.InvalidArgument, "points: point " + point.id() + " was written by job "
                        + point.jobId() + ", not by job " + job.id());
            }
        }
        pointsOnItsHost(job, end.points());
        end.points().forEach(catalog.points()::upsert);
        for (GroupPointRecord groupPoint : end.groupPoints()) {
            if (!job.id().equals(groupPoint.jobId())) {
                throw new CofferException(ErrorCode.InvalidArgument, "groupPoints: group point " + groupPoint.id()
                        + " was recorded by job " + groupPoint.jobId() + ", not by job " + job.id());
            }
            if (catalog.groups().findPoint(groupPoint.id()).isEmpty()) {
                catalog.groups().recordPoint(groupPoint);
            }
        }
        for (DrillRun drill : end.drillRuns()) {
            if (!job.id().equals(drill.jobId())) {
                throw new CofferException(ErrorCode.InvalidArgument, "drillRuns: drill " + drill.id() + " was run by job "
                        + drill.jobId() + ", not by job " + job.id());
            }
            catalog.drillRuns().record(drill);
        }
        for (MountRecord mount : end.mounts()) {
            catalog.mounts().mirror(mountOf(job, mount));
        }
        changesJudged(job, end);
        replicationEnded(job, end);
        if (state == JobState.succeeded && job.type() == JobType.backup) {
            after.afterBackup((BackupInstance) job.operation(), CofferJson.read(end.result(), BackupResult.class), job,
                    JobContext.logOf(catalog.jobs(), job.id()));
        }
        boolean ended = catalog.jobs().finish(job.id(), end.agent(), new Jobs.Outcome(state, end.result(), code, message),
                clock.instant());
        if (ended) { // its place on the host is free: the waiting claims look now, not at their next look
            catalog.jobs().wakeWaitingClaims();
        }
        return new AgentAck(ended);
    }

    /**
     * For an agent's retry of an interrupted plan's run (a backup job running for the agent): the point the interrupted
     * run committed before its worker was lost, adopted here if the catalog lacks it, by the code a server's own retry
     * runs ({@link LostPoints#ofInterruptedRun}); none when it committed none (docs/design/catalog.md). The agent's
     * retry then ends with it, and its end runs no steps after a backup for it again ({@link PlanBackup#afterBackup}).
     */
    InterruptedRunPoint interruptedPoint(AdoptInterruptedPoint ask) {
        return interruptedPoint(ask, null);
    }

    /** {@link #interruptedPoint(AdoptInterruptedPoint)} for an agent authenticated by {@code token} (null: not checked). */
    InterruptedRunPoint interruptedPoint(AdoptInterruptedPoint ask, Token token) {
        Job job = catalog.jobs().find(ask.job()).orElseThrow(() -> new CofferException(ErrorCode.JobNotFound,
                "job " + ask.job() + " does not exist"));
        tokenHosts.forHost(token, job.hostId());
        if (!runsFor(job.id(), ask.agent())) {
            throw new CofferException(ErrorCode.InvalidArgument, "job " + job.id() + " does not run for agent "
                    + ask.agent());
        }
        if (lost == null || !(job.operation() instanceof BackupInstance backup)) {
            return InterruptedRunPoint.NONE;
        }
        return lost.ofInterruptedRun(backup);
    }

    /**
     * Refuses, before any is recorded, a point whose instance is not on the job's host: an agent acts for its host only
     * (docs/design/agents.md, "Tokens bound to a host"), and a point row names the instance whose backups retention,
     * restores and the console list it under. A replication's replica is of the replicated point's instance (which may
     * have moved since). {@code Forbidden}, naming the point, its instance and both hosts.
     */
    private void pointsOnItsHost(Job job, List<PointRecord> points) {
        if (points.isEmpty()) {
            return;
        }
        String replicated = job.operation() instanceof ReplicatePoint r
                ? catalog.points().find(r.point()).map(PointRecord::instanceId).orElse(null) : null;
        java.util.Map<String, String> hostOf = new java.util.HashMap<>();
        catalog.instances().find(points.stream().map(PointRecord::instanceId).distinct().toList())
                .forEach(i -> hostOf.put(i.id(), i.hostId()));
        for (PointRecord point : points) {
            String host = hostOf.get(point.instanceId());
            if (!job.hostId().equals(host) && !point.instanceId().equals(replicated)) {
                throw new CofferException(ErrorCode.Forbidden, "points: point " + point.id() + " is of instance "
                        + point.instanceId() + (host == null ? ", which the catalog does not know" : " on host '" + host + "'")
                        + "; job " + job.id() + " runs for host '" + job.hostId() + "' and records points of its"
                        + " instances only");
            }
        }
    }

    /**
     * The mount an agent's mount job reports, checked to be the job's own: its id is the job's, and its point, disk,
     * instance and host are those the job was queued for.
     */
    private static MountRecord mountOf(Job job, MountRecord mount) {
        if (!(job.operation() instanceof MountDisk asked) || !job.id().equals(mount.id())
                || !asked.point().equals(mount.pointId()) || !asked.disk().equals(mount.disk())
                || !asked.instance().equals(mount.instanceId()) || !job.hostId().equals(mount.hostId())) {
            throw new CofferException(ErrorCode.InvalidArgument, "mounts: mount " + mount.id() + " (" + mount.disk()
                    + " of point " + mount.pointId() + " into instance " + mount.instanceId() + ") is not job " + job.id()
                    + "'s");
        }
        return mount;
    }

    /**
     * Ends the host's active mounts whose job has ended without ending them (its agent was lost: killed, or cut off
     * for longer than the stale limit): the agent's start detaches what its dead run left attached
     * (docs/design/agents.md); here the servers' rows follow, at the agent's announce.
     */
    private void endLostMounts(String hostId) {
        for (MountRecord mount : catalog.mounts().active()) {
            if (mount.hostId().equals(hostId) && catalog.jobs().find(mount.id()).map(j -> j.state().isFinal()).orElse(true)
                    && catalog.mounts().ended(mount.id(), clock.instant(), MountRecord.EndReason.STALE,
                    "its job ended without ending the mount (its agent was lost); the agent detaches it at its start")) {
                catalog.jobs().find(mount.id()).ifPresent(j -> catalog.jobs().appendLog(j.id(), "WARNING",
                        "stale mount: its job ended without ending it; the agent detaches it at its start"));
            }
        }
    }

    /**
     * The host is served by this agent (it announced itself, and no other agent since); marks it seen now, in one
     * statement (before, a read of the served hosts and an unconditional write, which could give the host back to an
     * agent another one had just taken it from). {@code AgentHostTaken} when another agent took it (this one was not
     * seen for the stale limit, docs/design/agents.md "One agent per host"): the agent stops.
     */
    private void seen(String hostId, String agent) {
        Instant now = clock.instant();
        if (catalog.hosts().seenAgent(hostId, agent, now)) {
            return;
        }
        Optional<Hosts.AgentSeen> served = catalog.hosts().agentServed().stream().filter(s -> s.hostId().equals(hostId))
                .findFirst();
        if (served.isPresent()) {
            throw new CofferException(ErrorCode.AgentHostTaken, "host '" + hostId + "' is not served by agent " + agent
                    + " but by agent " + served.get().agent() + ", last seen at " + served.get().seenAt() + " ("
                    + ago(served.get().seenAt(), now) + "): it took the host when this agent had not been seen for the"
                    + " stale limit of " + staleSeconds + " s; run one agent per host name");
        }
        throw new CofferException(ErrorCode.InvalidArgument, "host '" + hostId + "' is not served by agent " + agent
                + ": an agent announces itself (POST /api/v1/agent/announce) before it claims or heart-beats");
    }

    /** How long before {@code now} an agent was seen, for a message ("12 s ago"). */
    private static String ago(Instant seen, Instant now) {
        return seen == null ? "never" : Math.max(0, Duration.between(seen, now).toSeconds()) + " s ago";
    }

    private boolean runsFor(String jobId, String agent) {
        return catalog.jobs().claims().stream().anyMatch(c -> c.jobId().equals(jobId) && agent.equals(c.workerId()));
    }

    /**
     * The rows of {@code ids} that exist, in the order of {@code ids}: a group's members are read in one statement each
     * for their instances, points and change samples, not one per member.
     */
    private static <T> List<T> inOrder(List<String> ids, List<T> rows, java.util.function.Function<T, String> id) {
        java.util.Map<String, T> byId = new java.util.HashMap<>();
        rows.forEach(row -> byId.put(id.apply(row), row));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    /** The rows the job's handler reads (docs/design/agents.md "Job rows"). */
    private JobRows rows(Job job) {
        Host host = catalog.hosts().find(job.hostId()).orElseThrow();
        List<Instance> instances = new ArrayList<>();
        List<PointRecord> points = new ArrayList<>();
        catalog.points().find(job.target()).ifPresent(point -> {
            points.add(point);
            catalog.instances().find(point.instanceId()).ifPresent(instances::add);
        });
        catalog.instances().find(job.target()).ifPresent(instances::add);
        if (job.operation() instanceof MountDisk mount) { // the instance it mounts into
            catalog.instances().find(mount.instance()).ifPresent(instances::add);
        }
        List<InstanceGroup> groups = new ArrayList<>();
        List<GroupPointRecord> groupPoints = new ArrayList<>();
        if (job.type() == JobType.group_restore) {
            catalog.groups().findPoint(job.target()).ifPresent(groupPoint -> {
                groupPoints.add(groupPoint);
                catalog.groups().resolve(groupPoint.groupId()).ifPresent(groups::add);
                instances.addAll(inOrder(groupPoint.instanceIds(), catalog.instances().find(groupPoint.instanceIds()),
                        Instance::id));
                points.addAll(inOrder(groupPoint.pointIds(), catalog.points().find(groupPoint.pointIds()), PointRecord::id));
            });
        } else if (job.type() == JobType.group_backup || job.type() == JobType.group_clone) {
            catalog.groups().resolve(job.target()).ifPresent(group -> {
                groups.add(group);
                instances.addAll(inOrder(group.instanceIds(), catalog.instances().find(group.instanceIds()), Instance::id));
            });
        }
        if (job.operation() instanceof DrillInstance drill) { // its newest point, the one the drill restores
            catalog.points().listByInstance(drill.instance()).stream().max(java.util.Comparator.comparing(
                    PointRecord::createdAt)).ifPresent(points::add);
        }
        List<JobRows.PolicyRow> policies = new ArrayList<>();
        if (job.operation() instanceof BackupInstance backup && backup.plan() != null) {
            catalog.policies().find(backup.plan().policy()).map(JobRows.PolicyRow::of).ifPresent(policies::add);
        }
        List<ReplicationRecord> replications = new ArrayList<>();
        if (job.operation() instanceof ReplicatePoint replicate) {
            if (replicate.policy() != null) {
                catalog.policies().find(replicate.policy()).map(JobRows.PolicyRow::of).ifPresent(policies::add);
            }
            catalog.replications().find(replicate.point(), replicate.region(), replicate.vault()).ifPresent(replications::add);
        }
        List<ChangeSample> samples = new ArrayList<>();
        if (job.type() == JobType.backup || job.type() == JobType.group_backup) {
            java.util.Map<String, List<ChangeSample>> byInstance = catalog.changeAlerts().samplesBefore(
                    instances.stream().map(Instance::id).toList(), clock.instant(), SAMPLES);
            instances.forEach(i -> samples.addAll(byInstance.getOrDefault(i.id(), List.of())));
        }
        return new JobRows(host, instances, policies, points, replications, samples, groups, groupPoints);
    }

    /**
     * The change sample and alerts an agent's backup recorded, judged on the agent by the same code as a server's
     * backup against the samples its claim carried (docs/design/assurance.md): recorded here before the job's end and
     * before the steps after a backup, so retention holds the instance's points for an alert at once.
     */
    private void changesJudged(Job job, FinishAgentJob end) {
        for (ChangeSample sample : end.samples()) {
            if (end.points().stream().noneMatch(p -> p.id().equals(sample.pointId()))) {
                throw new CofferException(ErrorCode.InvalidArgument, "samples: point " + sample.pointId()
                        + " is not a point job " + job.id() + " wrote");
            }
            catalog.changeAlerts().recordSample(sample);
        }
        for (ChangeAlert alert : end.alerts()) {
            if (!job.id().equals(alert.jobId()) || end.points().stream().noneMatch(p -> p.id().equals(alert.pointId()))) {
                throw new CofferException(ErrorCode.InvalidArgument, "alerts: alert " + alert.id() + " is not on a point job "
                        + job.id() + " wrote");
            }
            catalog.changeAlerts().raise(alert);
        }
    }

    /**
     * A replication claimed by an agent shows running with its job here too (as a server's run marks it), so one whose
     * agent is lost is found by the retry sweep ({@code ReplicationQueue.retryDue}) like one of a killed server. The rows
     * sent to the agent hold its status before this mark: the agent's own run marks it running in its working catalog.
     */
    private void replicationRunning(Job job) {
        if (job.operation() instanceof ReplicatePoint r) {
            catalog.replications().queue(r.point(), r.region(), r.vault());
            catalog.replications().start(r.point(), r.region(), r.vault(), job.id());
        }
    }

    /**
     * The end of an agent's replication, recorded as its run on the agent's working catalog ended it: done with its
     * replica, or failed with the reason and next attempt (counted here). One the agent never reached (the job failed
     * before) is failed with the job's error, its next attempt by the same back-off.
     */
    private void replicationEnded(Job job, FinishAgentJob end) {
        if (!(job.operation() instanceof ReplicatePoint r)) {
            return;
        }
        for (ReplicationRecord ran : end.replications()) {
            if (!job.id().equals(ran.jobId()) || !ran.pointId().equals(r.point()) || !ran.region().equals(r.region())
                    || !ran.vault().equals(r.vault())) {
                throw new CofferException(ErrorCode.InvalidArgument, "replications: the replication of point "
                        + ran.pointId() + " to " + ran.region() + "/" + ran.vault() + " by job " + ran.jobId()
                        + " is not job " + job.id() + "'s");
            }
            switch (ran.state()) {
                case DONE -> catalog.replications().done(ran.pointId(), ran.region(), ran.vault(), ran.replicaId());
                case FAILED -> catalog.replications().failed(ran.pointId(), ran.region(), ran.vault(), ran.errorCode(),
                        ran.errorMessage(), ran.nextAttemptAt());
                case QUEUED, RUNNING -> {
                    // not ended there: failed below with the job's error
                }
            }
        }
        catalog.replications().find(r.point(), r.region(), r.vault())
                .filter(now -> now.state() == ReplicationRecord.State.RUNNING && job.id().equals(now.jobId()))
                .ifPresent(now -> {
                    ErrorCode code = ErrorCode.Internal;
                    try {
                        code = end.errorCode() == null ? ErrorCode.Internal : ErrorCode.valueOf(end.errorCode());
                    } catch (IllegalArgumentException unknown) {
                        // a code this server does not know: retried as an internal failure
                    }
                    catalog.replications().abandoned(now.pointId(), now.region(), now.vault(), job.id(), code.name(),
                            end.errorMessage() == null ? "the job ended " + end.state() + " before its replication ran"
                                    : end.errorMessage(),
                            code == ErrorCode.Cancelled ? null
                                    : RetryBackoff.next(code, now.attempts() + 1, clock.instant()).orElse(null));
                });
    }
}
