package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobLogEntry;
import coffer.engine.job.JobParams;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.JobOperation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Jobs} in SQL. Every state change is a conditional {@code UPDATE ... WHERE state = ...} whose row
 * count says whether it happened; claiming also bumps the host row first, which serializes claims per host
 * on both databases (a row lock on PostgreSQL, the write lock on SQLite), so the per-host count is exact.
 * Thread-safe.
 */
final class SqlJobs implements Jobs {
    static final String COLUMNS = "SELECT id, type, target, host_id, state, params, created_at, started_at,"
            + " finished_at, heartbeat_at, bytes_done, bytes_total, bytes_per_second, eta_seconds, cancel_requested,"
            + " result, error_code, error_message FROM jobs";
    /** Queued jobs looked at per claim attempt; those of hosts at their limit are passed over. */
    private static final int CLAIM_CANDIDATES = 50;

    private final Sql sql;
    private final Clock clock;
    private final Dialect dialect;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    SqlJobs(Sql sql, Clock clock, Dialect dialect) {
        this.sql = sql;
        this.clock = clock;
        this.dialect = dialect;
    }

    @Override
    public Job submit(JobOperation<?> operation, String hostId) {
        if (operation == null || operation.target() == null || operation.target().isBlank() || hostId == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "a job needs an operation with a target, and a host (got "
                    + operation + ", " + hostId + ")");
        }
        String id = sql.transaction(s -> insertQueued(s, operation, hostId, clock.instant()));
        changed();
        return find(id).orElseThrow();
    }

    /** Inserts a queued job on {@code s} (also inside another repository's transaction); returns its id. */
    static String insertQueued(Sql.Session s, JobOperation<?> operation, String hostId, Instant now) throws SQLException {
        return insertQueued(s, TimeOrderedIds.next(), operation, hostId, now);
    }

    /** Inserts a queued job with the id given (a {@link TimeOrderedIds#next()}); returns it. */
    static String insertQueued(Sql.Session s, String id, JobOperation<?> operation, String hostId, Instant now)
            throws SQLException {
        s.update(INSERT_QUEUED, queuedRow(id, operation, hostId, now));
        if (AgentPlacement.onAgent(s, operation, hostId)) { // in the insert's transaction: never claimed by a server first
            s.update("UPDATE jobs SET on_agent = 1 WHERE id = ?", id);
        }
        return id;
    }

    /** Inserts a queued job; its arguments: {@link #queuedRow}. */
    static final String INSERT_QUEUED = "INSERT INTO jobs (id, type, target, host_id, state, params, created_at, region)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT region FROM hosts WHERE id = ?), 'local'))";

    /** The arguments of {@link #INSERT_QUEUED}: the job's region is its host's ({@code hosts.region}, V15). */
    static Object[] queuedRow(String id, JobOperation<?> operation, String hostId, Instant now) {
        return new Object[]{id, operation.type(), operation.target(), hostId, JobState.queued, JobParams.stored(operation), now,
                hostId};
    }

    @Override
    public Optional<Job> find(String id) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlJobs::row, id);
    }

    @Override
    public List<Job> list(Filter filter) {
        Where where = where(filter);
        String limit = "";
        if (filter.limit() != null) {
            if (filter.limit() < 0) {
                throw new CofferException(ErrorCode.InvalidArgument, "limit " + filter.limit() + " is negative");
            }
            limit = " LIMIT " + filter.limit();
        }
        return sql.query(COLUMNS + where.clause() + " ORDER BY created_at DESC, id DESC" + limit, SqlJobs::row, where.args());
    }

    @Override
    public Page<Job> page(Filter filter) {
        if (filter.limit() == null || filter.limit() < 1) {
            throw new CofferException(ErrorCode.InvalidArgument, "a page of jobs needs a limit of at least 1, got "
                    + filter.limit());
        }
        Where where = where(filter);
        return Page.of(sql.query(COLUMNS + where.newestFirst(filter.limit()), SqlJobs::row, where.args()), filter.limit(),
                j -> new PageCursor(j.createdAt(), j.id()));
    }

    private static Where where(Filter filter) {
        return new Where().equal("state", filter.state()).equal("type", filter.type()).equal("target", filter.target())
                .equal("host_id", filter.hostId()).equal("region", filter.region()).created(filter.from(), filter.to()).after(filter.after());
    }

    @Override
    public List<JobLogEntry> log(String id) {
        return sql.query("SELECT sequence, logged_at, level, message FROM job_log WHERE job_id = ? ORDER BY sequence",
                r -> new JobLogEntry(r.getLong("sequence"), Sql.instant(r, "logged_at"), r.getString("level"),
                        r.getString("message")), id);
    }

    @Override
    public void appendLog(String id, String level, String message) {
        sql.update("INSERT INTO job_log (job_id, logged_at, level, message) VALUES (?, ?, ?, ?)", id, clock.instant(),
                level, message);
    }

    @Override
    public Optional<Job> cancel(String id) {
        Instant now = clock.instant();
        Optional<Job> job = sql.transaction(s -> {
            int cancelled = s.update("UPDATE jobs SET state = ?, error_code = ?, error_message = ?, finished_at = ?"
                            + " WHERE id = ? AND state = ?", JobState.cancelled, ErrorCode.Cancelled.name(),
                    "cancelled before it started", now, id, JobState.queued);
            if (cancelled == 1) {
                log(s, id, "info", "cancelled before it started", now);
            } else if (s.update("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = ? AND cancel_requested = 0",
                    id, JobState.running) == 1) {
                log(s, id, "info", "cancellation requested", now);
            }
            return s.one(COLUMNS + " WHERE id = ?", SqlJobs::row, id);
        });
        changed();
        return job;
    }

    // ---- worker side ----

    /**
     * The job types (names) that take no slot of their host's limit: serving ones (a mount) and those that do not work
     * on their host ({@link JobType#usesHost}: a verify reads a vault).
     */
    private static final List<String> SERVING = java.util.Arrays.stream(JobType.values())
            .filter(t -> t.serving() || !t.usesHost()).map(Enum::name).toList();
    /** {@link #SERVING} as an SQL list of literals (enum names: letters and '_' only). */
    private static final String SERVING_LIST = "(" + String.join(", ", SERVING.stream().map(t -> "'" + t + "'").toList()) + ")";

    /** The job types (names) agents run ({@link JobType#onAgent}), as an SQL list of literals. */
    private static final String AGENT_LIST = "(" + String.join(", ", java.util.Arrays.stream(JobType.values())
            .filter(JobType::onAgent).map(t -> "'" + t + "'").toList()) + ")";
    /** An agent's job: of a type agents run, or placed on its host's agent when queued ({@code on_agent}, V19). */
    private static final String AGENT_JOB = "(type IN " + AGENT_LIST + " OR on_agent = 1)";
    /** What a server's worker may claim: not the agents' jobs on the hosts agents serve (docs/design/agents.md). */
    private static final Where.Condition SERVER_SCOPE = new Where.Condition("NOT (" + AGENT_JOB
            + " AND host_id IN (SELECT id FROM hosts WHERE agent IS NOT NULL))");

    @Override
    public Optional<Job> claimNext(String workerId, int perHostLimit, Instant now) {
        return claim(SERVER_SCOPE, workerId, perHostLimit, now);
    }

    @Override
    public Optional<Job> claimForAgent(String hostId, String workerId, int perHostLimit, Instant now) {
        // the host must be served by this agent, checked in the claim's statement: an agent that lost its host to another
        // one (a newer announce) claims nothing there, however the two interleave
        return claim(new Where.Condition("host_id = ? AND " + AGENT_JOB
                + " AND host_id IN (SELECT id FROM hosts WHERE agent = ?)", hostId, workerId), workerId, perHostLimit, now);
    }

    private Optional<Job> claim(Where.Condition scope, String workerId, int perHostLimit, Instant now) {
        return dialect == Dialect.POSTGRESQL ? claimSkippingLocked(scope, workerId, perHostLimit, now)
                : claimOldest(scope, workerId, perHostLimit, now);
    }

    /**
     * SQLite (one writer at a time): the oldest queued jobs in turn, each tried in a transaction that holds the
     * write lock.
     */
    private Optional<Job> claimOldest(Where.Condition scope, String workerId, int perHostLimit, Instant now) {
        Where where = new Where().equal("state", JobState.queued).and(scope);
        List<String[]> candidates = sql.query("SELECT id, host_id, type FROM jobs" + where.clause() + " ORDER BY created_at, id"
                + " LIMIT " + CLAIM_CANDIDATES, r -> new String[]{r.getString("id"), r.getString("host_id"), r.getString("type")},
                where.args());
        List<String> fullHosts = new ArrayList<>();
        for (String[] candidate : candidates) {
            String id = candidate[0];
            String host = candidate[1];
            boolean serving = SERVING.contains(candidate[2]); // a mount takes no slot of the host's limit
            if (!serving && fullHosts.contains(host)) {
                continue;
            }
            Boolean claimed = sql.transaction(s -> claimOnHost(s, id, host, serving, workerId, perHostLimit, now));
            if (claimed == null) {
                fullHosts.add(host);
            } else if (claimed) {
                return find(id);
            }
        }
        return Optional.empty();
    }

    /**
     * PostgreSQL: the oldest queued job no other claim has locked ({@code FOR UPDATE SKIP LOCKED}), so runners of
     * several servers claiming at once take different jobs instead of queueing on the same row and losing it to the
     * first (measured: docs/performance.md, "Scheduler"); its host then as on SQLite. Hosts found at their limit
     * are left out of the next look.
     */
    private Optional<Job> claimSkippingLocked(Where.Condition scope, String workerId, int perHostLimit, Instant now) {
        List<String> fullHosts = new ArrayList<>();
        for (int attempt = 0; attempt < CLAIM_CANDIDATES; attempt++) {
            Where where = new Where().equal("state", JobState.queued).and(scope);
            if (!fullHosts.isEmpty()) {
                where.and(true, "(host_id NOT IN (" + String.join(", ", java.util.Collections.nCopies(fullHosts.size(), "?"))
                        + ")" + (SERVING.isEmpty() ? "" : " OR type IN " + SERVING_LIST) + ")", fullHosts.toArray());
            }
            String[] outcome = sql.transaction(s -> {
                Optional<String[]> next = s.one("SELECT id, host_id, type FROM jobs" + where.clause()
                        + " ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                        r -> new String[]{r.getString("id"), r.getString("host_id"), r.getString("type")}, where.args());
                if (next.isEmpty()) {
                    return null;
                }
                Boolean claimed = claimOnHost(s, next.get()[0], next.get()[1], SERVING.contains(next.get()[2]), workerId,
                        perHostLimit, now);
                return new String[]{next.get()[0], next.get()[1], claimed == null ? "full" : claimed.toString()};
            });
            if (outcome == null) {
                return Optional.empty();
            }
            switch (outcome[2]) {
                case "true" -> {
                    return find(outcome[0]);
                }
                case "full" -> fullHosts.add(outcome[1]);
                default -> {
                    // lost to a cancel meanwhile: look again
                }
            }
        }
        return Optional.empty();
    }

    /**
     * In a claim's transaction: locks the host row, counts its running jobs (over all workers) and, below the
     * limit, makes the job running for the worker. Null when the host is at its limit; else whether the job was
     * still queued. Serving jobs (a mount: {@link JobType#serving()}) are not counted and take no slot.
     */
    private static Boolean claimOnHost(Sql.Session s, String id, String host, boolean serving, String workerId,
                                       int perHostLimit, Instant now) throws SQLException {
        s.update("UPDATE hosts SET claims = claims + 1 WHERE id = ?", host);
        long running = s.count("SELECT COUNT(*) FROM jobs WHERE host_id = ? AND state = ?"
                + (SERVING.isEmpty() ? "" : " AND type NOT IN " + SERVING_LIST), host, JobState.running);
        if (!serving && running >= perHostLimit) {
            return null;
        }
        return s.update("UPDATE jobs SET state = ?, worker = ?, started_at = ?, heartbeat_at = ?"
                + " WHERE id = ? AND state = ?", JobState.running, workerId, now, now, id, JobState.queued) == 1;
    }

    @Override
    public int heartbeat(String workerId, Instant now) {
        return sql.update("UPDATE jobs SET heartbeat_at = ? WHERE worker = ? AND state = ?", now, workerId,
                JobState.running);
    }

    @Override
    public List<String> cancelRequested(String workerId) {
        return sql.query("SELECT id FROM jobs WHERE worker = ? AND state = ? AND cancel_requested = 1",
                r -> r.getString("id"), workerId, JobState.running);
    }

    @Override
    public void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds) {
        sql.update("UPDATE jobs SET bytes_done = ?, bytes_total = ?, bytes_per_second = ?, eta_seconds = ? WHERE id = ?",
                bytesDone, bytesTotal, bytesPerSecond, etaSeconds, id);
    }

    @Override
    public boolean finish(String id, String workerId, Outcome outcome, Instant now) {
        if (!outcome.state().isFinal()) {
            throw new IllegalArgumentException("a job cannot finish " + outcome.state());
        }
        return sql.transaction(s -> {
            boolean finished = s.update("UPDATE jobs SET state = ?, result = ?, error_code = ?, error_message = ?,"
                            + " finished_at = ? WHERE id = ? AND worker = ? AND state = ?", outcome.state(), outcome.result(),
                    outcome.errorCode(), outcome.errorMessage(), now, id, workerId, JobState.running) == 1;
            if (finished) {
                SqlPlans.recordRunEnd(s, id, outcome, now);
            }
            return finished;
        });
    }

    @Override
    public List<Claim> claims() {
        return sql.query("SELECT id, host_id, worker, heartbeat_at FROM jobs WHERE state = ?", r -> new Claim(
                r.getString("id"), r.getString("host_id"), r.getString("worker"), Sql.instant(r, "heartbeat_at")),
                JobState.running);
    }

    @Override
    public boolean failLost(String id, String workerId, String message, Instant now) {
        return sql.transaction(s -> {
            boolean failed = s.update("UPDATE jobs SET state = ?, error_code = ?, error_message = ?, finished_at = ?"
                            + " WHERE id = ? AND worker = ? AND state = ?", JobState.failed, ErrorCode.WorkerLost.name(),
                    message, now, id, workerId, JobState.running) == 1;
            if (failed) {
                log(s, id, "error", message, now);
                SqlPlans.recordRunEnd(s, id, new Outcome(JobState.failed, null, ErrorCode.WorkerLost.name(), message), now);
            }
            return failed;
        });
    }

    @Override
    public Subscription whenChanged(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Wakes the runners of this process (after a job was queued in another repository's transaction, too). */
    void changed() {
        listeners.forEach(Runnable::run);
    }

    private static void log(Sql.Session s, String id, String level, String message, Instant now) throws SQLException {
        s.update("INSERT INTO job_log (job_id, logged_at, level, message) VALUES (?, ?, ?, ?)", id, now, level, message);
    }

    static Job row(ResultSet row) throws SQLException {
        JobType type = JobType.valueOf(row.getString("type"));
        String target = row.getString("target");
        return new Job(row.getString("id"), type, target, row.getString("host_id"), JobState.valueOf(row.getString("state")),
                JobParams.record(type, target, Sql.json(row, "params")),
                Sql.instant(row, "created_at"), Sql.instant(row, "started_at"), Sql.instant(row, "finished_at"),
                Sql.instant(row, "heartbeat_at"), row.getLong("bytes_done"), row.getLong("bytes_total"),
                row.getLong("bytes_per_second"), row.getLong("eta_seconds"), Sql.flag(row, "cancel_requested"),
                Sql.json(row, "result"), row.getString("error_code"), row.getString("error_message"));
    }
}
