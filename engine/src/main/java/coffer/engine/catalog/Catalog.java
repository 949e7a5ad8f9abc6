package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Jobs;
import coffer.vault.fs.OwnerOnly;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The open catalog: a connection pool on SQLite or PostgreSQL, migrated to the current schema
 * ({@code db/migration}, and on PostgreSQL also {@code db/postgresql}: docs/design/catalog.md), and its repositories.
 *
 * <p>SQLite connections use WAL (readers never wait for the writer), a busy timeout (writers wait for each
 * other instead of failing), foreign keys, and {@code BEGIN IMMEDIATE} transactions (a transaction takes the
 * write lock when it starts, so two never deadlock upgrading a read lock).
 *
 * <p>Thread-safe: the repositories may be used from any thread; close once, after the last use.
 */
public final class Catalog implements AutoCloseable {
    /** How long an SQLite writer waits for another one before failing. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;

    private final Dialect dialect;
    /** Other servers' job changes (PostgreSQL), null on SQLite. */
    private final JobNotices jobNotices;
    private final CatalogConfig config;
    private final HikariDataSource pool;
    private final Sql sql;
    /** The clock the rows are stamped on: a {@link DatabaseClock} for a server ({@link #openOnDatabaseClock}). */
    private final Clock clock;
    private final Hosts hosts;
    private final Instances instances;
    private final Protections protections;
    private final Points points;
    private final Jobs jobs;
    private final Tokens tokens;
    private final Policies policies;
    private final Plans plans;
    private final PointRetentions pointRetentions;
    private final Groups groups;
    private final VerifyRuns verifyRuns;
    private final DrillRuns drillRuns;
    private final Mounts mounts;
    private final ExportRemovals exportRemovals;
    private final DeletedPoints deletedPoints;
    private final PointHolds pointHolds;
    private final ChangeAlerts changeAlerts;
    private final Replications replications;
    private final ConsoleSessions consoleSessions;

    private Catalog(Dialect dialect, CatalogConfig config, HikariDataSource pool, Clock clock) {
        this.dialect = dialect;
        this.config = config;
        this.pool = pool;
        this.sql = new Sql(pool);
        this.clock = clock;
        this.hosts = new SqlHosts(sql, clock);
        this.instances = new SqlInstances(sql);
        this.protections = new SqlProtections(sql, clock);
        this.points = new SqlPoints(sql);
        this.jobNotices = dialect == Dialect.POSTGRESQL ? new JobNotices(config) : null;
        SqlJobs sqlJobs = new SqlJobs(sql, clock, dialect, jobNotices);
        this.jobs = sqlJobs;
        this.tokens = new SqlTokens(sql, clock);
        this.policies = new SqlPolicies(sql, clock);
        this.plans = new SqlPlans(sql, clock, sqlJobs);
        this.pointRetentions = new SqlPointRetentions(sql);
        this.groups = new SqlGroups(sql, clock);
        this.verifyRuns = new SqlVerifyRuns(sql);
        this.drillRuns = new SqlDrillRuns(sql);
        this.mounts = new SqlMounts(sql, sqlJobs, dialect, clock);
        this.exportRemovals = new SqlExportRemovals(sql);
        this.deletedPoints = new SqlDeletedPoints(sql);
        this.pointHolds = new SqlPointHolds(sql);
        this.changeAlerts = new SqlChangeAlerts(sql);
        this.replications = new SqlReplications(sql, clock);
        this.consoleSessions = new SqlConsoleSessions(sql, clock);
    }

    public static Catalog open(CatalogConfig config) {
        return open(config, Clock.systemUTC());
    }

    /** Opens the catalog, creating or migrating its schema; {@code clock} stamps rows. */
    public static Catalog open(CatalogConfig config, Clock clock) {
        return open(config, pool -> clock);
    }

    /**
     * Opens the catalog stamping its rows on its database's clock: a {@link DatabaseClock} following this catalog's
     * database, {@code host} (this host's clock, tests pass a skewed one) plus the offset measured before this returns
     * ({@link #databaseClock()}; measure it again there). What a server does, so that the times the servers sharing a
     * PostgreSQL catalog write into rows (a job's creation and end, its log lines, a token's use and revocation) are
     * on one clock whatever their hosts' clocks say (docs/design/jobs.md, "Whose clock"); on SQLite the offset is zero.
     */
    public static Catalog openOnDatabaseClock(CatalogConfig config, Clock host) {
        return open(config, pool -> DatabaseClock.of(host, Dialect.of(config.jdbcUrl()) == Dialect.POSTGRESQL ? pool : null));
    }

    /** The clock the rows are stamped on, made once the pool is migrated. */
    private static Catalog open(CatalogConfig config, java.util.function.Function<javax.sql.DataSource, Clock> stamps) {
        Dialect dialect = Dialect.of(config.jdbcUrl());
        if (config.maxPoolSize() < 2) {
            throw new CofferException(ErrorCode.InvalidArgument, "catalog pool size " + config.maxPoolSize()
                    + " must be at least 2 (schema migrations hold two connections)");
        }
        HikariDataSource pool = new HikariDataSource(poolConfig(config, dialect));
        try {
            // a catalog of an earlier build may record a migration since renumbered or edited (docs/design/catalog.md)
            boolean outOfOrder = EarlierMigrations.mend(pool);
            Flyway.configure()
                    .dataSource(pool)
                    .outOfOrder(outOfOrder)
                    // PostgreSQL's own migrations (functions SQLite has no language for) in a location of their own,
                    // numbered with the shared ones (docs/design/catalog.md)
                    .locations(dialect == Dialect.POSTGRESQL ? new String[]{"classpath:db/migration", "classpath:db/postgresql"}
                            : new String[]{"classpath:db/migration"})
                    .placeholders(Map.of("identity", dialect.identity()))
                    .javaMigrations(new FoldedNamesMigration())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            return new Catalog(dialect, config, pool, stamps.apply(pool));
        } catch (RuntimeException | SQLException e) {
            pool.close();
            throw e instanceof CofferException c ? c : new CofferException(ErrorCode.CatalogFailure,
                    "cannot migrate the catalog at " + config.redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    private static HikariConfig poolConfig(CatalogConfig config, Dialect dialect) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("coffer-catalog");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(1);
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password().reveal());
        }
        if (dialect == Dialect.SQLITE) {
            ownerOnlyDatabase(config.jdbcUrl().substring("jdbc:sqlite:".length()));
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "NORMAL");
            hikari.addDataSourceProperty("busy_timeout", Integer.toString(SQLITE_BUSY_TIMEOUT_MS));
            hikari.addDataSourceProperty("foreign_keys", "true");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        hikari.setInitializationFailTimeout(-1);
        return hikari;
    }

    /**
     * Creates the SQLite file (and its directory) owner-only before SQLite opens it, or takes group and other
     * permissions from an existing one and its journals: SQLite creates {@code -wal}, {@code -shm} and
     * {@code -journal} with the mode of the database file, so they follow.
     */
    private static void ownerOnlyDatabase(String file) {
        Path database = Path.of(file).toAbsolutePath();
        try {
            if (database.getParent() != null && !Files.isDirectory(database.getParent())) {
                OwnerOnly.createDirectories(database.getParent());
            }
            try {
                Files.createFile(database, OwnerOnly.file()); // an empty file is an empty SQLite database
            } catch (FileAlreadyExistsException existing) {
                // tightened below
            }
            for (String suffix : new String[]{"", "-wal", "-shm", "-journal"}) {
                OwnerOnly.tighten(database.resolveSibling(database.getFileName() + suffix));
            }
        } catch (IOException e) {
            throw new CofferException(ErrorCode.CatalogFailure, "cannot prepare the catalog file " + database
                    + " (owner-only, mode 0600): " + e, e);
        }
    }

    /** For tests of this package: statements on the catalog's own pool. */
    Sql sql() {
        return sql;
    }

    /**
     * The database's clock this catalog stamps rows on when opened by {@link #openOnDatabaseClock}; empty when it was
     * opened on another clock.
     */
    public java.util.Optional<DatabaseClock> databaseClock() {
        return clock instanceof DatabaseClock database ? java.util.Optional.of(database) : java.util.Optional.empty();
    }

    /** For this package's {@link DatabaseClock}: the pool, for statements not counted in {@link #statementsRun()}. */
    javax.sql.DataSource pool() {
        return pool;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * SQL statements this catalog has run since it was opened (each row of a batch counts as one; the migrations and
     * the lead's own session and the {@link DatabaseClock}'s measurements are not counted): what the benchmarks report per unit of work (docs/performance.md).
     */
    public long statementsRun() {
        return sql.statementsRun();
    }

    /**
     * The lead named {@code name} among the servers sharing this catalog (docs/design/scheduler.md, "Several
     * servers"): an advisory lock on its own session on PostgreSQL; always held on SQLite (one server per
     * file). Close it before the catalog.
     */
    public Leadership leadership(String name) {
        return dialect == Dialect.POSTGRESQL ? new AdvisoryLockLeadership(config, name) : new SoleLeadership();
    }

    public Hosts hosts() {
        return hosts;
    }

    public Instances instances() {
        return instances;
    }

    public Protections protections() {
        return protections;
    }

    public Points points() {
        return points;
    }

    public Jobs jobs() {
        return jobs;
    }

    public Tokens tokens() {
        return tokens;
    }

    public Policies policies() {
        return policies;
    }

    public Plans plans() {
        return plans;
    }

    public PointRetentions pointRetentions() {
        return pointRetentions;
    }

    public Groups groups() {
        return groups;
    }

    public VerifyRuns verifyRuns() {
        return verifyRuns;
    }

    public DrillRuns drillRuns() {
        return drillRuns;
    }

    /** Mounts of points' disks into instances (docs/design/live-access.md). */
    public Mounts mounts() {
        return mounts;
    }

    /** Exports removed on request before their expiry (docs/design/live-access.md). */
    public ExportRemovals exportRemovals() {
        return exportRemovals;
    }

    /** The points deleted through this catalog (V28), refused when they reappear in a vault. */
    public DeletedPoints deletedPoints() {
        return deletedPoints;
    }

    /** The holds this catalog set in the vaults (V28), against which a hold put back from an earlier version is found. */
    public PointHolds pointHolds() {
        return pointHolds;
    }

    public ChangeAlerts changeAlerts() {
        return changeAlerts;
    }

    /** Each point's replications (docs/design/replication.md). */
    public Replications replications() {
        return replications;
    }

    /** The web console's sessions (docs/console.md). */
    public ConsoleSessions consoleSessions() {
        return consoleSessions;
    }

    @Override
    public void close() {
        if (jobNotices != null) {
            jobNotices.close();
        }
        pool.close();
    }
}
