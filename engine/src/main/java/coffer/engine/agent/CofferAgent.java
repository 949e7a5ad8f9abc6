package coffer.engine.agent;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobType;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.job.handler.StaleDrillCopies;
import coffer.engine.job.handler.StaleInstantRestores;
import coffer.engine.job.handler.StaleMounts;
import coffer.engine.operation.AgentWelcome;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.AdoptInterruptedPoint;
import coffer.engine.operation.Operations;
import coffer.engine.operation.ReleaseAgentHost;
import coffer.engine.plan.InterruptedRunFirst;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.fs.OwnerOnly;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A running {@code coffer agent} (docs/design/agents.md): it serves one libvirt host for the servers. At start it
 * removes what a dead run left on the host's instances ({@link InstanceBackup#cleanLeftovers}; mounts of a dead run
 * detached, {@link StaleMounts}; instances of its dead instant restores removed, {@link StaleInstantRestores}; the
 * copies of its dead restore drills removed, {@link StaleDrillCopies}),
 * announces the host and its instances (the version handshake: a server of another version is refused), then runs a {@link JobRunner} whose
 * jobs are the server's ({@link RemoteJobs}) with the same handlers as a server's in-process worker
 * ({@link JobHandlers}), for the job types agents run ({@link JobType#agentMayRun}). The handlers read the host's disks
 * here and write chunks straight to the vaults; they read and write catalog rows in the agent's own working catalog
 * (SQLite, in its data directory), filled with each job's rows by the server. It announces itself again every minute
 * (instances found since, and the vaults of its configuration that open now: {@link ReachableVaults}). {@link #close} (SIGTERM) cancels the running jobs, which clean up and end cancelled.
 * A server refusing its token ({@link #refused}: revoked) or giving its host to another agent is told to its owner,
 * which stops it. Its identity ({@link AgentIdentity}, kept in its data directory, which one process holds at a time)
 * goes with its announce: the same identity takes its host at once, another is refused while the host's agent lives.
 * Thread-safe; start once, close once.
 */
public final class CofferAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CofferAgent.class.getName());
    private static final Duration ANNOUNCE_EVERY = Duration.ofMinutes(1);

    /**
     * @param host          the host's id in the servers' catalog
     * @param uri           the host's libvirt URI, as this agent connects to it
     * @param dataDir       the agent's own directory (its working catalog), made owner-only
     * @param runtimeRoot   sockets and scratch files of backups
     * @param restores      where restores may create files
     * @param perHostLimit  jobs running at once on the host (the agent's claims ask for no more)
     * @param workerThreads jobs this agent runs at once
     * @param assurance     the rules a backup's change is judged by and how drills run, with the one drill budget of
     *                      this agent's host (the servers' configuration's, docs/design/assurance.md)
     */
    public record Settings(String host, String uri, Path dataDir, Path runtimeRoot, RestoreDirectories restores,
                           int perHostLimit, int workerThreads, JobHandlers.Assurance assurance) {
    }

    private final Settings settings;
    private final RefusedAgent server;
    private boolean closed;
    private final Catalog working;
    private final JobRunner runner;
    private final ScheduledExecutorService announcing;
    private final String workerId;
    private final ReachableVaults vaults;
    private final AgentIdentity identity;

    private CofferAgent(Settings settings, RefusedAgent server, Catalog working, JobRunner runner,
                        ScheduledExecutorService announcing, String workerId, ReachableVaults vaults,
                        AgentIdentity identity) {
        this.vaults = vaults;
        this.identity = identity;
        this.settings = settings;
        this.server = server;
        this.working = working;
        this.runner = runner;
        this.announcing = announcing;
        this.workerId = workerId;
    }

    /** Cleans up the host, announces it and starts claiming; AgentVersionMismatch when the server is of another version. */
    public static CofferAgent start(Operations servers, VaultDirectory vaults, Settings settings) {
        RefusedAgent server = new RefusedAgent(servers);
        AgentIdentity identity = holdDataDir(settings.dataDir());
        Catalog working;
        try {
            working = Catalog.open(CatalogConfig.sqlite(settings.dataDir().resolve("agent-catalog.db")));
        } catch (RuntimeException e) {
            identity.close();
            throw e;
        }
        try {
            working.hosts().ensure(settings.host(), settings.uri());
            String workerId = JobRunner.newWorkerId();
            List<Instance> instances = discover(working, settings);
            cleanLeftovers(settings, instances);
            for (String stale : new StaleMounts(working, settings.runtimeRoot(), Clock.systemUTC()).detachAll()) {
                LOG.log(System.Logger.Level.WARNING, "stale mount: " + stale);
            }
            for (String dead : new StaleInstantRestores(working, settings.runtimeRoot()).removeAll()) {
                LOG.log(System.Logger.Level.WARNING, "dead instant restore removed: " + dead);
            }
            for (String dead : new StaleDrillCopies(working, settings.assurance().drills().directory())
                    .removeFrom(settings.host())) {
                LOG.log(System.Logger.Level.WARNING, "dead drill: " + dead);
            }
            ReachableVaults reachable = new ReachableVaults(vaults);
            AgentWelcome welcome = announce(server, settings, workerId, identity.name(), instances, reachable);
            Map<JobType, JobHandler<?, ?>> handlers = handlers(JobHandlers.handlers(working, vaults,
                    settings.runtimeRoot(), settings.restores(), settings.assurance()), server, workerId);
            JobRunner runner = new JobRunner(new RemoteJobs(server, welcome.host(), workerId, working), workerId, handlers,
                    JobRunner.Settings.defaults().withPerHostLimit(settings.perHostLimit())
                            .withWorkerThreads(settings.workerThreads())
                            .withHeartbeat(Duration.ofSeconds(welcome.heartbeatSeconds()),
                                    Duration.ofSeconds(welcome.staleSeconds())));
            runner.start();
            ScheduledExecutorService announcing = Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon().name("coffer-agent-announce").unstarted(r));
            CofferAgent agent = new CofferAgent(settings, server, working, runner, announcing, workerId, reachable,
                    identity);
            announcing.scheduleWithFixedDelay(agent::announceAgain, ANNOUNCE_EVERY.toSeconds(), ANNOUNCE_EVERY.toSeconds(),
                    TimeUnit.SECONDS);
            return agent;
        } catch (RuntimeException e) {
            working.close();
            identity.close();
            throw e;
        }
    }

    /**
     * The handlers an agent runs: those of the types agents run ({@link JobType#agentMayRun}) of a server's worker
     * ({@code all}), the backup's looking first, for a plan's retry, for the point its interrupted run committed
     * ({@link InterruptedRunFirst}, as a server's worker does): a server answers it ({@link AdoptInterruptedPoint},
     * adopting the point if the catalog lacks it).
     */
    public static Map<JobType, JobHandler<?, ?>> handlers(Map<JobType, JobHandler<?, ?>> all, Operations server,
                                                         String workerId) {
        Map<JobType, JobHandler<?, ?>> mine = all.entrySet().stream().filter(e -> e.getKey().agentMayRun())
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        return InterruptedRunFirst.wrap(mine, (operation, retry) -> server.call(new AdoptInterruptedPoint(retry.id(),
                workerId)));
    }

    /** This agent's worker id (the jobs it runs show it). */
    public String workerId() {
        return workerId;
    }

    /** The agent's data directory, made owner-only and held by this process, with the agent's identity. */
    private static AgentIdentity holdDataDir(Path dataDir) {
        try {
            OwnerOnly.createDirectories(dataDir);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.StorageFailure, "cannot create the agent's data directory " + dataDir + ": "
                    + e.getMessage(), e);
        }
        return AgentIdentity.hold(dataDir);
    }

    /** The host's instances, found by libvirt and kept in the working catalog. */
    private static List<Instance> discover(Catalog working, Settings settings) {
        return new InstanceRefresh(working, Clock.systemUTC()).refresh(settings.host()).stream()
                .filter(i -> !i.gone()).toList();
    }

    /** What dead runs of this host left (backup jobs, sockets, scratch files), removed before any job is claimed. */
    private static void cleanLeftovers(Settings settings, List<Instance> instances) {
        try (Libvirt libvirt = Libvirt.connect(settings.uri())) {
            InstanceBackup backups = new InstanceBackup(libvirt, null, settings.runtimeRoot());
            for (Instance instance : instances) {
                for (String done : backups.cleanLeftovers(instance.id())) {
                    LOG.log(System.Logger.Level.WARNING, "instance " + instance.name() + ": " + done);
                }
            }
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    /** Announces the host, its instances and the vaults that open now (the others' jobs are left to the servers). */
    private static AgentWelcome announce(Operations server, Settings settings, String workerId, String identity,
                                         List<Instance> instances, ReachableVaults vaults) {
        AgentWelcome welcome = server.call(new AnnounceAgent(settings.host(), settings.uri(), workerId, AgentProtocol.VERSION,
                AgentProtocol.PROTOCOL, instances, vaults.check(), vaults.defaultName(), identity));
        AgentProtocol.requireSame("the server", welcome.version(), welcome.protocol(), "this agent");
        return welcome;
    }

    private void announceAgain() {
        try {
            announce(server, settings, workerId, identity.name(), discover(working, settings), vaults);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "agent " + workerId + ": announce failed: " + e.getMessage());
        }
    }

    /**
     * Completes when a server refused this agent's token ({@code Unauthorized}: revoked since the agent started) or gave
     * its host to another agent ({@code AgentHostTaken}: this one was not seen for the stale limit, docs/design/agents.md
     * "One agent per host"): the agent can do nothing more for its host, and its owner stops it ({@link #close}: its running jobs are cancelled and
     * clean up; {@code coffer agent} then exits with that error, docs/design/agents.md).
     */
    public java.util.concurrent.CompletableFuture<CofferException> refused() {
        return server.refused();
    }

    /**
     * Stops the agent: its running jobs are cancelled and clean up, then (a clean stop: SIGTERM, not a refusal) its host
     * is handed over ({@link ReleaseAgentHost}), so that another agent may take it at once rather than after the stale
     * limit (docs/design/agents.md, "One agent per host"). Only the first call does anything; a second (the shutdown
     * hook's, while the first runs) returns once the first has stopped the agent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        announcing.shutdownNow();
        try {
            runner.close();
            if (!server.refused().isDone()) {
                releaseHost();
            }
        } finally {
            working.close();
            identity.close();
        }
    }

    /** Hands the host over; a failure (no server answers) leaves it to the stale limit, as a killed agent does. */
    private void releaseHost() {
        try {
            boolean released = server.call(new ReleaseAgentHost(settings.host(), workerId)).accepted();
            LOG.log(System.Logger.Level.INFO, "agent " + workerId + ": host " + settings.host()
                    + (released ? " handed over" : " not handed over: this agent no longer serves it"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "agent " + workerId + ": host " + settings.host() + " not handed over ("
                    + e.getMessage() + "); another agent takes it once this one is unseen for the stale limit");
        }
    }
}
