package coffer.server;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DatabaseClock;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.job.handler.ExportRecords;
import coffer.engine.live.BrowseSessions;
import coffer.engine.live.PointFiles;
import coffer.engine.live.LiveAccess;
import coffer.engine.job.handler.StaleBackupRuns;
import coffer.engine.job.handler.StaleDrillCopies;
import coffer.engine.job.handler.StaleInstantRestores;
import coffer.server.api.ExportDownloads;
import coffer.engine.job.handler.StaleMounts;
import coffer.engine.catalog.Tokens;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.job.JobRunner;
import coffer.engine.vault.LocalVaults;
import coffer.engine.operation.VaultView;
import coffer.engine.operation.hosted.HostedOperations;
import coffer.engine.replication.Regions;
import coffer.server.api.MetaApi;
import coffer.server.api.OperationRoutes;
import coffer.server.auth.BearerAuthentication;
import coffer.server.config.ServerConfig;
import coffer.server.console.Console;
import coffer.server.console.ConsoleSessions;
import coffer.server.console.page.ConsolePages;
import coffer.server.http.ApiServer;
import coffer.server.http.Route;
import coffer.server.http.Routes;
import coffer.server.metrics.ServerMetrics;
import coffer.vault.fs.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Coffer server: the catalog, the vaults, the job workers for the configured libvirt hosts, and the
 * HTTP API with the web console. {@link #start} prepares everything a first start needs (data directory, catalog, the default
 * vault, the admin token); {@link #close} is the SIGTERM path: the API stops taking requests, running jobs
 * are cancelled and clean up, the catalog is closed.
 */
public final class CofferServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);
    /** How often the hosts' instances are discovered again in the background. */
    private static final long REFRESH_MINUTES = 5;
    /** How often expired export archives are removed. */
    private static final long EXPORT_SWEEP_SECONDS = 30;
    /** How often the offset of the catalog database's clock is measured again ({@link DatabaseClock}). */
    private static final long CLOCK_MEASURE_SECONDS = 60;
    /** A skew between this host's clock and the database's beyond this is logged as a warning. */
    static final java.time.Duration SKEW_WARNING = java.time.Duration.ofSeconds(5);

    private final ServerConfig config;
    private final Catalog catalog;
    private final LocalVaults vaults;
    private final JobRunner runner;
    private final ApiServer http;
    private final ScheduledExecutorService background;
    private final List<Route> routes;
    private final List<Route> consoleRoutes;
    private final String firstAdminSecret;
    private final ServerPlans plans;
    private final ServerAssurance assurance;
    private final BrowseSessions browsing;

    private CofferServer(ServerConfig config, Catalog catalog, LocalVaults vaults, JobRunner runner, ApiServer http,
                         ScheduledExecutorService background, List<Route> routes, List<Route> consoleRoutes,
                         String firstAdminSecret, ServerPlans plans, ServerAssurance assurance, BrowseSessions browsing) {
        this.assurance = assurance;
        this.browsing = browsing;
        this.config = config;
        this.catalog = catalog;
        this.vaults = vaults;
        this.runner = runner;
        this.http = http;
        this.background = background;
        this.routes = routes;
        this.consoleRoutes = consoleRoutes;
        this.firstAdminSecret = firstAdminSecret;
        this.plans = plans;
    }

    /**
     * A server on the catalog database's clock: its job runner, agent routes, scheduler, retention and assurance judge
     * time by it, so that the servers sharing one PostgreSQL catalog agree whatever their hosts' clocks say
     * (docs/design/jobs.md, "Whose clock"); its vaults' leases stay on this host's clock.
     */
    public static CofferServer start(ServerConfig config) {
        return start(config, null);
    }

    /**
     * A server whose scheduler, retention, assurance and operations run on {@code clock} (tests pass a simulated one;
     * null: the catalog database's, as {@link #start(ServerConfig)}). Its job runner is on the database's clock either way.
     */
    public static CofferServer start(ServerConfig config, java.time.Clock simulated) {
        return start(config, simulated, java.time.Clock.systemUTC());
    }

    /**
     * {@link #start(ServerConfig, java.time.Clock)} with {@code host} as this host's clock (tests pass one set ahead or
     * behind, as a server's whose clock is off): the catalog database's clock the server follows is {@code host} plus
     * the offset measured to the database, and the catalog stamps its rows on it (docs/design/jobs.md, "Whose clock").
     */
    public static CofferServer start(ServerConfig config, java.time.Clock simulated, java.time.Clock host) {
        createPrivateDirectory(config.dataDir());
        createDefaultRestoreDirectory(config);
        // rows stamped on the database's clock: a job's creation, its log lines, a token's use and revocation, ...
        Catalog catalog = Catalog.openOnDatabaseClock(config.catalog(), host);
        LocalVaults opened = null;
        BrowseSessions browsing = null;
        try {
            DatabaseClock databaseClock = catalog.databaseClock().orElseThrow();
            warnOfSkew(databaseClock.skew());
            java.time.Clock clock = simulated == null ? databaseClock : simulated;
            java.time.Clock vaultClock = simulated == null ? java.time.Clock.systemUTC() : simulated;
            Bounded looks = new Bounded(); // at most one look at a vault's store at a time, start and checks alike
            LocalVaults vaults = ServerVaults.openOrCreate(config.vaults(), vaultClock, ServerVaults.START_PATIENCE,
                    looks);
            opened = vaults;
            HostRefresh hosts = new HostRefresh(catalog, config.hosts());
            config.vaults().forEach(v -> catalog.protections().place(v.name(), v.region())); // a protection's region: its vault's
            String adminSecret = firstAdminToken(catalog.tokens(), config.adminTokenFile());
            hosts.refreshAll();
            Regions regions = regions(config);
            ServerAssurance assurance = new ServerAssurance(catalog, vaults, config.assurance(), clock);
            ServerPlans plans = new ServerPlans(catalog, vaults, regions, clock, assurance.deletions());
            // live access: the export area and the browsing sessions kept between requests (docs/design/live-access.md)
            LiveAccess live = new LiveAccess(ServerJobs.exportArea(config), new BrowseSessions(BrowseSessions.Limits.DEFAULTS,
                    InstanceBackup.defaultRuntimeRoot(), BrowseSessions.Opener.DEFAULT, java.time.Clock.systemUTC()));
            browsing = live.browsing();
            // before any job is claimed: the backup jobs, sockets and scratch files a killed server's runs left on
            // the instances (docs/reliability.md, session 19), as an agent does at its start
            for (String done : new StaleBackupRuns(catalog, InstanceBackup.defaultRuntimeRoot()).cleanAll()) {
                LOG.warn("leftover of a dead backup run at start: {}", done);
            }
            for (String done : new StaleDrillCopies(catalog, config.assurance().drills().directory()).removeAll()) {
                LOG.warn("leftover of a dead restore drill at start: {}", done);
            }
            JobRunner runner = ServerJobs.runner(catalog, vaults, config, plans.retention(), plans.replications(),
                    assurance.jobs(), live, plans.lostPoints(), databaseClock);
            runner.start();
            // after the runner failed the jobs of dead workers: their mounts' disks are taken out of the instances
            for (String stale : new StaleMounts(catalog, InstanceBackup.defaultRuntimeRoot(), java.time.Clock.systemUTC())
                    .detachAll()) {
                LOG.warn("stale mount taken out at start: {}", stale);
            }
            for (String dead : new StaleInstantRestores(catalog, InstanceBackup.defaultRuntimeRoot()).removeAll()) {
                LOG.warn("dead instant restore removed at start: {}", dead);
            }
            for (String dead : PointFiles.removeAbandoned(InstanceBackup.defaultRuntimeRoot().resolve("files"))) {
                LOG.warn("abandoned browsing session removed at start: {}", dead);
            }
            Routes routes = new Routes();
            HostedOperations operations = plans.operations(catalog, vaults, new HostedOperations.Settings(vaultViews(config, vaults),
                    config.limits().instancesPerRequest(), hosts::refresh, clock, regions, assurance::reclaimReport, live));
            new OperationRoutes(operations, operations).register(routes);
            new MetaApi(new ServerMetrics(catalog, vaults.names(), assurance::reclaimReport)
                    .withClockSkew(() -> databaseClock.skew().toNanos() / 1e9).withVaultStates(vaults)
                    .withStorageLooksLeftRunning(looks::leftRunning)).register(routes);
            // an export's expiry judged on the clock its listing is (any server's list, this one's download and sweep)
            ExportRecords exports = new ExportRecords(catalog, live.exports(), databaseClock);
            ExportDownloads downloads = new ExportDownloads(exports);
            downloads.register(routes);
            // the web console: the same operations, at / on the same port (docs/console.md)
            Routes consoleRoutes = new Routes();
            Console console = new Console(operations, new ConsoleSessions(catalog, clock, config.tls() != null));
            console.register(consoleRoutes, ConsolePages.ALL);
            downloads.registerConsole(consoleRoutes, console); // the export's archive, for a console session
            ApiServer http;
            try {
                http = ApiServer.start(config, java.util.stream.Stream.concat(routes.list().stream(),
                        consoleRoutes.list().stream()).toList(), new BearerAuthentication(catalog.tokens()));
            } catch (RuntimeException e) {
                runner.close();
                throw new CofferException(ErrorCode.InvalidArgument, "cannot listen on " + config.url() + ": "
                        + rootMessage(e), e);
            }
            ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "coffer-host-refresh");
                t.setDaemon(true);
                return t;
            });
            background.scheduleWithFixedDelay(hosts::refreshAll, REFRESH_MINUTES, REFRESH_MINUTES, TimeUnit.MINUTES);
            long exportSweep = coffer.engine.TestPeriods.of(coffer.engine.TestPeriods.EXPORT_SWEEP,
                    java.time.Duration.ofSeconds(EXPORT_SWEEP_SECONDS)).toSeconds();
            background.scheduleWithFixedDelay(() -> sweepExports(exports), 0, exportSweep, TimeUnit.SECONDS);
            background.scheduleWithFixedDelay(() -> remeasure(databaseClock), CLOCK_MEASURE_SECONDS, CLOCK_MEASURE_SECONDS,
                    TimeUnit.SECONDS);
            VaultChecks checks = new VaultChecks(vaults, ServerVaults.START_PATIENCE, looks, vaultClock);
            background.scheduleWithFixedDelay(checks::checkAll, 0, VaultChecks.PERIOD.toSeconds(), TimeUnit.SECONDS);
            plans.start();
            assurance.start();
            return new CofferServer(config, catalog, vaults, runner, http, background, routes.list(), consoleRoutes.list(),
                    adminSecret, plans, assurance, live.browsing());
        } catch (RuntimeException e) {
            if (browsing != null) {
                browsing.close();
            }
            if (opened != null) {
                opened.close();
            }
            catalog.close();
            throw e;
        }
    }

    /** The configuration's regions: each one's vaults (the first its default) and hosts, in configuration order. */
    static Regions regions(ServerConfig config) {
        Map<String, List<String>> vaults = new LinkedHashMap<>();
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        config.vaults().forEach(v -> vaults.computeIfAbsent(v.region(), r -> new ArrayList<>()).add(v.name()));
        config.hosts().forEach(h -> hosts.computeIfAbsent(h.region(), r -> new ArrayList<>()).add(h.id()));
        return new Regions(vaults, hosts);
    }

    /** Logs {@link #skewWarning} when there is one. */
    private static void warnOfSkew(java.time.Duration skew) {
        String warning = skewWarning(skew);
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    /**
     * The warning naming the skew when this host's clock is more than {@link #SKEW_WARNING} off the catalog
     * database's ({@code skew} positive: ahead), else null.
     */
    static String skewWarning(java.time.Duration skew) {
        if (skew.abs().compareTo(SKEW_WARNING) <= 0) {
            return null;
        }
        return "this host's clock is " + String.format(java.util.Locale.ROOT, "%.3f", Math.abs(skew.toNanos() / 1e9))
                + " s " + (skew.isNegative() ? "behind" : "ahead of") + " the catalog database's: the servers judge jobs,"
                + " agents and schedules on the database's clock, but this host's own files, vault leases and logs follow"
                + " its clock; keep the hosts' clocks in step (NTP, docs/deployment.md)";
    }

    /** Measures the database clock's offset again; a new skew past the warning limit is logged once. */
    private static void remeasure(DatabaseClock clock) {
        java.time.Duration before = clock.skew();
        try {
            java.time.Duration skew = clock.measure();
            if (before.abs().compareTo(SKEW_WARNING) <= 0) {
                warnOfSkew(skew);
            }
        } catch (RuntimeException e) {
            LOG.warn("the catalog database's clock could not be read (the offset measured before, {}, stays): {}",
                    before, e.getMessage());
        }
    }

    /** Removes expired export archives and partial ones of exports no longer running (logged). */
    private static void sweepExports(ExportRecords exports) {
        try {
            exports.sweep().forEach(line -> LOG.info("exports: {}", line));
        } catch (IOException | RuntimeException e) {
            LOG.warn("exports could not be swept: {}", e.getMessage());
        }
    }

    private static List<VaultView> vaultViews(ServerConfig config, LocalVaults vaults) {
        return config.vaults().stream().map(v -> new VaultView(v.name(), v.location().toString(), v.encrypted(),
                v.name().equals(vaults.defaultName()), v.region())).toList();
    }

    /** The API's base URL, with the port actually bound (the configured port may be 0 in tests). */
    public String url() {
        String host = config.address().contains(":") ? "[" + config.address() + "]" : config.address();
        return (config.tls() == null ? "http" : "https") + "://" + host + ":" + http.port();
    }

    public ServerConfig config() {
        return config;
    }

    public Catalog catalog() {
        return catalog;
    }

    /** The scheduler, retention and plan operations of this server. */
    public ServerPlans plans() {
        return plans;
    }

    /** The verify and drill schedules and the space reclaim loop of this server. */
    public ServerAssurance assurance() {
        return assurance;
    }

    /** The browsing sessions this server keeps open between requests (docs/design/live-access.md). */
    public List<BrowseSessions.SessionView> browsingSessions() {
        return browsing.sessions();
    }

    /** The API's routes (not the console's pages). */
    public List<Route> routes() {
        return routes;
    }

    /** The web console's routes (pages and changes; they carry no API role: docs/console.md). */
    public List<Route> consoleRoutes() {
        return consoleRoutes;
    }

    /** The admin token's secret when this start created it, else null (it is in the admin token file). */
    public String firstAdminSecret() {
        return firstAdminSecret;
    }

    @Override
    public void close() {
        LOG.info("stopping: no new requests, cancelling running jobs");
        background.shutdownNow();
        plans.close();
        assurance.close();
        http.close();
        runner.close();
        browsing.close(); // after the runner: exports using a session have been cancelled
        vaults.close();
        catalog.close();
    }

    /**
     * When the catalog has no live admin token (the first start, or a catalog whose admins were all revoked
     * before revoking the last one was refused), creates one and writes its secret to {@code file} with mode
     * 0600; returns the secret, or null when a live admin token exists.
     */
    private static String firstAdminToken(Tokens tokens, Path file) {
        if (tokens.hasLiveAdmin()) {
            return null;
        }
        if (!tokens.list().isEmpty()) {
            LOG.warn("the catalog has no live admin token: creating one, its secret written to {}", file);
        }
        Tokens.Created created = tokens.create("admin", "admin");
        try {
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, OwnerOnly.file());
            Files.writeString(temp, created.secret() + "\n", StandardOpenOption.WRITE);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            tokens.discard(created.token().id()); // its secret reached no one: the next start tries again
            throw Errors.classify(e);
        }
        return created.secret();
    }

    /**
     * Creates the data directory with mode 0700, or tightens an existing one to owner-only: it holds the admin
     * token, the key ring and the catalog. A shared directory (world-writable or sticky, like /tmp) is refused
     * rather than taken over.
     */
    /** {@code <dataDir>/restores}, owner-only, when it is one of the restore directories (docs/server.md). */
    private static void createDefaultRestoreDirectory(ServerConfig config) {
        Path restores = ServerConfig.defaultRestoreDirectory(config.dataDir());
        try {
            if (config.restoreDirectories().contains(restores) && !Files.isDirectory(restores)) {
                OwnerOnly.createDirectories(restores);
            }
        } catch (IOException e) {
            throw new CofferException(ErrorCode.StorageFailure, "cannot create the restore directory " + restores
                    + ": " + e, e);
        }
    }

    private static void createPrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                OwnerOnly.createDirectories(dir);
                return;
            }
            int mode = (Integer) Files.getAttribute(dir, "unix:mode");
            if ((mode & 01002) != 0) {
                throw new CofferException(ErrorCode.InvalidArgument, "data directory " + dir + " is shared (mode "
                        + Integer.toOctalString(mode & 07777) + ": world-writable or sticky); Coffer keeps its secrets"
                        + " there and makes it owner-only (0700): choose a directory of its own");
            }
            OwnerOnly.tighten(dir);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.StorageFailure, "cannot make the data directory " + dir
                    + " owner-only (mode 0700): " + e, e);
        } catch (UncheckedIOException e) {
            throw Errors.classify(e.getCause());
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return String.valueOf(e.getMessage());
    }
}
