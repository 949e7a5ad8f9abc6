package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobLogEntry;
import coffer.engine.job.JobParams;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import coffer.engine.operation.JobOperation;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Jobs} in SQL. Every state change is a conditional {@code UPDATE ... WHERE state = ...} whose row
 * count says whether it happened; claiming also bumps the host row first, which serializes claims per host
 * on both databases (a row lock on PostgreSQL, the write lock on SQLite), so the per-host count is exact.
 * Thread-safe.
 */
final class SqlJobs implements Jobs {
    /** The columns {@link #row} reads. */
    private static final String COLUMN_LIST = "id, type, target, host_id, state, params, created_at, started_at,"
            + " finished_at, heartbeat_at, bytes_done, bytes_total, bytes_per_second, eta_seconds, cancel_requested,"
            + " result, error_code, error_message";
    static final String COLUMNS = "SELECT " + COLUMN_LIST + " FROM jobs";
    /** Queued jobs looked at per claim attempt; those of hosts at their limit are passed over. */
    private static final int CLAIM_CANDIDATES = 50;
    /** Looks of a batch claim ({@link #claim(String, int, int, Instant)}) that found candidates but claimed none. */
    private static final int BATCH_ATTEMPTS = 4;
    private static final String INSERT_LOG = "INSERT INTO job_log (job_id, logged_at, level, message) VALUES (?, ?, ?, ?)";

    private final Sql sql;
    private final Clock clock;
    private final Dialect dialect;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Other servers' changes, heard on PostgreSQL (null on SQLite: one server per file). */
    private final JobNotices notices;

    SqlJobs(Sql sql, Clock clock, Dialect dialect, JobNotices notices) {
        this.sql = sql;
        this.clock = clock;
        this.dialect = dialect;
        this.notices = notices;
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
        int placement = AgentPlacement.placement(s, operation, hostId); // in the insert's transaction: never claimed
        if (placement != AgentPlacement.BY_TYPE) {                       // by the wrong side first
            s.update("UPDATE jobs SET on_agent = ? WHERE id = ?", placement, id);
        }
        return id;
    }

    /** Inserts a queued job; its arguments: {@link #queuedRow}. */
    static final String INSERT_QUEUED = "INSERT INTO jobs (id, type, target, host_id, state, params, created_at, region)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT region FROM hosts WHERE id = ?), 'local'))";

    /**
     * Inserts queued jobs, each row {@link #queuedRow}, in one statement ({@code INSERT … VALUES (…), (…) RETURNING}: a
     * tick queues a slot's runs 200 to a transaction, docs/design/scheduler.md); returns them in the order given.
     */
    static List<Job> insertQueued(Sql.Session s, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        String values = INSERT_QUEUED.substring(INSERT_QUEUED.indexOf(" VALUES ") + " VALUES ".length());
        List<Object> args = new ArrayList<>();
        rows.forEach(row -> args.addAll(Arrays.asList(row)));
        List<Job> inserted = s.query(INSERT_QUEUED.substring(0, INSERT_QUEUED.indexOf(" VALUES ") + " VALUES ".length())
                + String.join(", ", Collections.nCopies(rows.size(), values)) + " RETURNING " + COLUMN_LIST,
                SqlJobs::row, args.toArray());
        Map<String, Job> byId = new HashMap<>();
        inserted.forEach(j -> byId.put(j.id(), j));
        return rows.stream().map(row -> byId.get((String) row[0])).toList();
    }

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
                SqlJobs::logLine, id);
    }

    @Override
    public Page<JobLogEntry> logPage(String id, PageCursor after, int limit) {
        if (limit < 1) {
            throw new CofferException(ErrorCode.InvalidArgument, "a page of a job's log needs a limit of at least 1, got " + limit);
        }
        long afterSequence = 0;
        if (after != null) {
            try {
                afterSequence = Long.parseLong(after.id());
            } catch (NumberFormatException e) {
                throw new CofferException(ErrorCode.InvalidArgument, "cursor: not a cursor of a job's log (pass the"
                        + " nextCursor of the previous page unchanged)");
            }
        }
        // keyset on the sequence (index job_log (job_id, sequence)): a page costs the same at any depth
        return Page.of(sql.query("SELECT sequence, logged_at, level, message FROM job_log WHERE job_id = ? AND sequence > ?"
                        + " ORDER BY sequence LIMIT " + (limit + 1), SqlJobs::logLine, id, afterSequence), limit,
                l -> new PageCursor(l.at(), Long.toString(l.sequence())));
    }

    private static JobLogEntry logLine(ResultSet r) throws SQLException {
        return new JobLogEntry(r.getLong("sequence"), Sql.instant(r, "logged_at"), r.getString("level"), r.getString("message"));
    }

    @Override
    public void appendLog(String id, String level, String message) {
        sql.update(INSERT_LOG, id, clock.instant(), level, message);
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
    private static final List<String> SERVING = Arrays.stream(JobType.values())
            .filter(t -> t.serving() || !t.usesHost()).map(Enum::name).toList();
    /** {@link #SERVING} as an SQL list of literals (enum names: letters and '_' only). */
    private static final String SERVING_LIST = "(" + String.join(", ", SERVING.stream().map(t -> "'" + t + "'").toList()) + ")";

    /** The job types (names) agents run ({@link JobType#onAgent}), comma-separated. */
    private static final String AGENT_TYPES = String.join(",", Arrays.stream(JobType.values())
            .filter(JobType::onAgent).map(Enum::name).toList());
    /** {@link #AGENT_TYPES} as an SQL list of literals. */
    private static final String AGENT_LIST = "(" + String.join(", ", Arrays.stream(AGENT_TYPES.split(","))
            .map(t -> "'" + t + "'").toList()) + ")";
    /**
     * An agent's job: of a type agents run unless left to the servers when queued (its vault not the agent's, -1), or
     * placed on its host's agent when queued (1) ({@code on_agent}, V19, {@link AgentPlacement}). The PostgreSQL claim
     * function (db/postgresql V20) states the same rule.
     */
    private static final String AGENT_JOB = "((type IN " + AGENT_LIST + " AND on_agent >= 0) OR on_agent = 1)";
    /** What a server's worker may claim: not the agents' jobs on the hosts agents serve (docs/design/agents.md). */
    private static final Where.Condition SERVER_SCOPE = new Where.Condition("NOT (" + AGENT_JOB
            + " AND host_id IN (SELECT id FROM hosts WHERE agent IS NOT NULL))");

    @Override
    public Optional<Job> claimNext(String workerId, int perHostLimit, Instant now) {
        return claim(SERVER_SCOPE, workerId, null, perHostLimit, now);
    }

    @Override
    public Optional<Job> claimForAgent(String hostId, String workerId, String claimId, int perHostLimit, Instant now) {
        // the host must be served by this agent, checked in the claim's statement: an agent that lost its host to another
        // one (a newer announce) claims nothing there, however the two interleave. The claim's id is recorded by the
        // very update that makes the job running: a claim sent again finds its job whenever the claim committed
        return claim(new Where.Condition("host_id = ? AND " + AGENT_JOB
                + " AND host_id IN (SELECT id FROM hosts WHERE agent = ?)", hostId, workerId), workerId, claimId, perHostLimit,
                now);
    }

    @Override
    public Optional<Job> claimedByAgent(String claimId, String workerId) {
        return sql.one(COLUMNS + " WHERE agent_claim = ? AND worker = ? ORDER BY created_at, id LIMIT 1", SqlJobs::row,
                claimId, workerId);
    }

    /**
     * Claims a batch in one transaction (docs/design/jobs.md, "Claiming"). PostgreSQL, two statements: the oldest queued
     * jobs whose host was below the limit when read, twice {@code max} of them, locked, passing over those other claims
     * have locked ({@code FOR UPDATE SKIP LOCKED}), with their hosts locked in the order of their ids
     * ({@code FOR NO KEY UPDATE}, which a job insert's foreign-key check does not wait for); then, its snapshot taken once
     * the hosts are locked, the jobs chosen oldest first while their host's running jobs and the batch's own stay within
     * the limit, made running ({@code UPDATE … RETURNING}) with their start lines. SQLite's transactions take the write
     * lock when they begin, so there the same choice is made in Java on the {@link #CLAIM_CANDIDATES} oldest. A look
     * that claimed nothing while there were candidates (another server took them, or their hosts filled) is followed by
     * another, at most {@link #BATCH_ATTEMPTS}.
     */
    @Override
    public List<Job> claim(String workerId, int perHostLimit, int max, Instant now) {
        if (max < 1) {
            return List.of();
        }
        if (dialect == Dialect.POSTGRESQL) { // one round trip: the function of catalog V20 (db/postgresql)
            return sql.query(COLUMNS.replace(" FROM jobs", " FROM " + CLAIM_FUNCTION), SqlJobs::row,
                    claimArgs(workerId, perHostLimit, max, now).toArray());
        }
        for (int attempt = 0; attempt < BATCH_ATTEMPTS; attempt++) {
            Batch batch = sql.transaction(s -> claimBatch(s, workerId, perHostLimit, max, now));
            if (!batch.claimed().isEmpty() || batch.candidates() == 0) {
                return batch.claimed();
            }
        }
        return List.of();
    }

    /** What one look of a batch claim found: the jobs it claimed and how many candidates it read. */
    private record Batch(List<Job> claimed, int candidates) {
    }

    /** The head of the queue, less the jobs of hosts at their limit now (the count is checked again under the lock). */
    private static Where head(int perHostLimit) {
        return new Where().equal("state", JobState.queued).and(SERVER_SCOPE).and(true, "(type IN " + SERVING_LIST
                + " OR (SELECT COUNT(*) FROM jobs r WHERE r.host_id = jobs.host_id AND r.state = ? AND r.type NOT IN "
                + SERVING_LIST + ") < ?)", JobState.running, perHostLimit);
    }

    /**
     * PostgreSQL's batch claim, a call of the function {@code coffer_claim_jobs} (catalog V20, db/postgresql: the head
     * locked with its hosts, then the choice, the update and the start lines on a snapshot taken once the hosts are
     * locked; since V25 its plans made once per session, every access by a key: docs/design/jobs.md "Claiming"), its
     * arguments {@link #claimArgs}. One round trip: a claim was three (two statements and the commit), and on a busy
     * machine the wait for the database's turn, not its work, was most of a claim (docs/performance.md).
     */
    private static final String CLAIM_FUNCTION = "coffer_claim_jobs(?, ?, ?, ?, ?, ?, ?)";

    /** The arguments of {@link #CLAIM_FUNCTION}. */
    private static List<Object> claimArgs(String workerId, int perHostLimit, int max, Instant now) {
        return new ArrayList<>(List.of(workerId, perHostLimit, max, now.toEpochMilli(), WorkerJobs.startedLine(workerId),
                String.join(",", SERVING), AGENT_TYPES));
    }

    /** SQLite's batch claim (PostgreSQL's is {@link #CLAIM_FUNCTION}). */
    private Batch claimBatch(Sql.Session s, String workerId, int perHostLimit, int max, Instant now) throws SQLException {
        // SQLite: the transaction holds the write lock from its start, so nothing else claims meanwhile (no row locks)
        Where where = head(perHostLimit);
        List<String[]> head = s.query("SELECT id, host_id, type FROM jobs" + where.clause() + " ORDER BY created_at, id LIMIT "
                        + CLAIM_CANDIDATES,
                r -> new String[]{r.getString("id"), r.getString("host_id"), r.getString("type")}, where.args());
        if (head.isEmpty()) {
            return new Batch(List.of(), 0);
        }
        Map<String, Integer> perHost = new HashMap<>();
        List<String[]> candidates = new ArrayList<>();
        for (String[] job : head) {
            if (SERVING.contains(job[2]) || perHost.merge(job[1], 1, Integer::sum) <= perHostLimit) {
                candidates.add(job);
            }
        }
        SortedSet<String> hosts = new TreeSet<>();
        candidates.stream().filter(c -> !SERVING.contains(c[2])).forEach(c -> hosts.add(c[1]));
        Map<String, Long> running = new HashMap<>();
        if (!hosts.isEmpty()) {
            s.query("SELECT host_id, COUNT(*) FROM jobs WHERE host_id" + in(hosts.size()) + " AND state = ? AND type NOT IN "
                            + SERVING_LIST + " GROUP BY host_id", r -> running.put(r.getString(1), r.getLong(2)),
                    with(new ArrayList<>(hosts), JobState.running));
        }
        List<String> chosen = new ArrayList<>();
        for (String[] candidate : candidates) {
            if (chosen.size() == max) {
                break;
            }
            long onHost = running.getOrDefault(candidate[1], 0L);
            if (SERVING.contains(candidate[2])) { // a mount, a verify: no slot of the host's limit
                chosen.add(candidate[0]);
            } else if (onHost < perHostLimit) {
                chosen.add(candidate[0]);
                running.put(candidate[1], onHost + 1);
            }
        }
        if (chosen.isEmpty()) {
            return new Batch(List.of(), head.size());
        }
        List<Object> args = new ArrayList<>(List.of(JobState.running, workerId, now, now));
        args.addAll(chosen);
        args.add(JobState.queued);
        List<Job> claimed = new ArrayList<>(s.query("UPDATE jobs SET state = ?, worker = ?, started_at = ?, heartbeat_at = ?"
                + " WHERE id" + in(chosen.size()) + " AND state = ? RETURNING " + COLUMN_LIST, SqlJobs::row, args.toArray()));
        claimed.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        List<Object> logArgs = new ArrayList<>(List.of(now, "info", WorkerJobs.startedLine(workerId)));
        claimed.forEach(j -> logArgs.add(j.id()));
        if (!claimed.isEmpty()) {
            s.update("INSERT INTO job_log (job_id, logged_at, level, message) SELECT id, ?, ?, ? FROM jobs WHERE id"
                    + in(claimed.size()) + " ORDER BY created_at, id", logArgs.toArray());
        }
        return new Batch(claimed, head.size());
    }

    /** {@code " IN (?, …)"} with {@code n} parameters. */
    private static String in(int n) {
        return " IN (" + String.join(", ", Collections.nCopies(n, "?")) + ")";
    }

    /** {@code values} then {@code last}, as statement arguments. */
    private static Object[] with(List<String> values, Object last) {
        List<Object> args = new ArrayList<>(values);
        args.add(last);
        return args.toArray();
    }

    /** Leaves the jobs of {@code fullHosts} out of {@code where}, except those that take no slot of their host. */
    private static void leaveOut(Where where, List<String> fullHosts) {
        if (!fullHosts.isEmpty()) {
            where.and(true, "(host_id NOT IN (" + String.join(", ", Collections.nCopies(fullHosts.size(), "?"))
                    + ")" + (SERVING.isEmpty() ? "" : " OR type IN " + SERVING_LIST) + ")", fullHosts.toArray());
        }
    }

    @Override
    public boolean claimableForAgent(String hostId, String workerId, int perHostLimit) {
        return sql.read(s -> s.count("SELECT COUNT(*) FROM jobs WHERE host_id = ? AND state = ? AND " + AGENT_JOB
                + " AND host_id IN (SELECT id FROM hosts WHERE agent = ?)", hostId, JobState.queued, workerId) > 0
                && s.count("SELECT COUNT(*) FROM jobs WHERE host_id = ? AND state = ?" + (SERVING.isEmpty() ? ""
                : " AND type NOT IN " + SERVING_LIST), hostId, JobState.running) < perHostLimit);
    }

    /** One job in {@code scope} for the worker; {@code claimId}, when not null, recorded on it by the claiming update. */
    private Optional<Job> claim(Where.Condition scope, String workerId, String claimId, int perHostLimit, Instant now) {
        return dialect == Dialect.POSTGRESQL ? claimSkippingLocked(scope, workerId, claimId, perHostLimit, now)
                : claimOldest(scope, workerId, claimId, perHostLimit, now);
    }

    /**
     * SQLite (one writer at a time): the oldest queued jobs in turn, each tried in a transaction that holds the
     * write lock.
     */
    private Optional<Job> claimOldest(Where.Condition scope, String workerId, String claimId, int perHostLimit,
                                      Instant now) {
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
            Boolean claimed = sql.transaction(s -> claimOnHost(s, id, host, serving, workerId, claimId, perHostLimit, now));
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
    private Optional<Job> claimSkippingLocked(Where.Condition scope, String workerId, String claimId, int perHostLimit,
                                              Instant now) {
        List<String> fullHosts = new ArrayList<>();
        for (int attempt = 0; attempt < CLAIM_CANDIDATES; attempt++) {
            Where where = new Where().equal("state", JobState.queued).and(scope);
            leaveOut(where, fullHosts);
            String[] outcome = sql.transaction(s -> {
                Optional<String[]> next = s.one("SELECT id, host_id, type FROM jobs" + where.clause()
                        + " ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                        r -> new String[]{r.getString("id"), r.getString("host_id"), r.getString("type")}, where.args());
                if (next.isEmpty()) {
                    return null;
                }
                Boolean claimed = claimOnHost(s, next.get()[0], next.get()[1], SERVING.contains(next.get()[2]), workerId,
                        claimId, perHostLimit, now);
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
     * still queued. Serving jobs (a mount: {@link JobType#serving()}) are not counted and take no slot. An agent's
     * {@code claimId} is set by the same update ({@code jobs.agent_claim}; null for a server's claim, so a job queued
     * again and claimed by a server carries no earlier agent's claim id).
     */
    private static Boolean claimOnHost(Sql.Session s, String id, String host, boolean serving, String workerId,
                                       String claimId, int perHostLimit, Instant now) throws SQLException {
        s.update("UPDATE hosts SET claims = claims + 1 WHERE id = ?", host);
        long running = s.count("SELECT COUNT(*) FROM jobs WHERE host_id = ? AND state = ?"
                + (SERVING.isEmpty() ? "" : " AND type NOT IN " + SERVING_LIST), host, JobState.running);
        if (!serving && running >= perHostLimit) {
            return null;
        }
        return s.update("UPDATE jobs SET state = ?, worker = ?, started_at = ?, heartbeat_at = ?, agent_claim = ?"
                + " WHERE id = ? AND state = ?", JobState.running, workerId, now, now, claimId, id, JobState.queued) == 1;
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

    private static final String PROGRESS = "UPDATE jobs SET bytes_done = ?, bytes_total = ?, bytes_per_second = ?,"
            + " eta_seconds = ? WHERE id = ?";

    @Override
    public void progress(String id, long bytesDone, long bytesTotal, long bytesPerSecond, long etaSeconds) {
        sql.update(PROGRESS, bytesDone, bytesTotal, bytesPerSecond, etaSeconds, id);
    }

    @Override
    public boolean finish(String id, String workerId, Outcome outcome, Instant now) {
        return finish(id, workerId, outcome, now, List.of(), null);
    }

    /**
     * The job's last log lines, its end (with its last progress in the same {@code UPDATE}) and its plan's outcome, at
     * once: on PostgreSQL one statement (data-modifying {@code WITH}: a job's end was a transaction of four or more
     * statements, docs/performance.md "Scheduler"), on SQLite one transaction. The lines are kept even when the job is no
     * longer the worker's.
     */
    @Override
    public boolean finish(String id, String workerId, Outcome outcome, Instant now, List<LogLine> lastLines,
                          Progress lastProgress) {
        List<Object> endArgs = new ArrayList<>();
        String end = end(id, workerId, outcome, now, lastProgress, endArgs);
        if (dialect == Dialect.POSTGRESQL) {
            List<Object> args = new ArrayList<>();
            List<Object[]> apart = linesApart(List.of(new WorkerJobs.End(id, outcome, now, lastLines, lastProgress)));
            String statement = endStatement(id, outcome, now, apart.isEmpty() ? lastLines : List.of(), end, endArgs, args)
                    + " SELECT COUNT(*) FROM ended";
            boolean finished = withLines(apart, statement, r -> r.getLong(1), args).stream().findFirst().orElse(0L) == 1;
            if (!finished && lastProgress != null) {
                progress(id, lastProgress.bytesDone(), lastProgress.bytesTotal(), lastProgress.bytesPerSecond(),
                        lastProgress.etaSeconds());
            }
            return finished;
        }
        return sql.transaction(s -> {
            s.batch(INSERT_LOG, lastLines.stream().map(l -> new Object[]{id, l.at(), l.level(), l.message()}).toList());
            boolean ended = s.update(end, endArgs.toArray()) == 1;
            if (ended) {
                SqlPlans.recordRunEnd(s, id, outcome, now);
            } else if (lastProgress != null) {
                s.update(PROGRESS, lastProgress.bytesDone(), lastProgress.bytesTotal(), lastProgress.bytesPerSecond(),
                        lastProgress.etaSeconds(), id);
            }
            return ended;
        });
    }

    /**
     * The job's end and its next claim (docs/design/jobs.md, "Claiming"). PostgreSQL: one statement, the end's
     * data-modifying {@code WITH} of {@link #finish(String, String, Outcome, Instant, List, Progress)} and the claim
     * function called after it ({@code LATERAL} on the end's count; its own snapshots see the end, so the ended job no
     * longer counts on its host). SQLite: the end's transaction, then a claim's. Should the combined statement fail, the
     * job is ended alone, so its end is never lost to its successor's claim.
     */
    @Override
    public Ended finishAndClaim(String id, String workerId, Outcome outcome, Instant now, List<LogLine> lastLines,
                                Progress lastProgress, int perHostLimit, int max) {
        if (dialect != Dialect.POSTGRESQL || max < 1) {
            boolean finished = finish(id, workerId, outcome, now, lastLines, lastProgress);
            return new Ended(finished, claim(workerId, perHostLimit, max, now));
        }
        List<Object> endArgs = new ArrayList<>();
        String end = end(id, workerId, outcome, now, lastProgress, endArgs);
        List<Object> args = new ArrayList<>();
        List<Object[]> apart = linesApart(List.of(new WorkerJobs.End(id, outcome, now, lastLines, lastProgress)));
        String statement = endStatement(id, outcome, now, apart.isEmpty() ? lastLines : List.of(), end, endArgs, args)
                + " SELECT e.ended, c.* FROM (SELECT COUNT(*) AS ended FROM ended) e LEFT JOIN LATERAL "
                + "coffer_claim_jobs(?, ?, CASE WHEN e.ended >= 0 THEN ? ELSE 0 END, ?, ?, ?, ?) c ON TRUE";
        args.addAll(claimArgs(workerId, perHostLimit, max, now));
        List<Job> claimed = new ArrayList<>();
        boolean[] finished = new boolean[1];
        try {
            withLines(apart, statement, r -> {
                finished[0] = r.getLong("ended") == 1;
                if (r.getString("id") != null) {
                    claimed.add(row(r));
                }
                return Boolean.TRUE;
            }, args);
        } catch (CofferException e) {
            System.getLogger(SqlJobs.class.getName()).log(System.Logger.Level.WARNING, "job " + id
                    + ": its end with the next claim failed (" + e.getMessage() + "); ending it alone");
            return new Ended(finish(id, workerId, outcome, now, lastLines, lastProgress), List.of());
        }
        if (!finished[0] && lastProgress != null) {
            progress(id, lastProgress.bytesDone(), lastProgress.bytesTotal(), lastProgress.bytesPerSecond(),
                    lastProgress.etaSeconds());
        }
        return new Ended(finished[0], claimed);
    }

    /** The catalog's runners end their jobs with their loops' claims ({@link #finishAllAndClaim}). */
    @Override
    public boolean endsWithClaims() {
        return true;
    }

    /**
     * The ends of a runner's jobs and its next claim (docs/design/jobs.md, "Claiming"). PostgreSQL: one statement, the
     * jobs' last lines in one insert, each job's conditional end and its plan's outcome (the data-modifying {@code WITH}
     * of {@link #finish(String, String, Outcome, Instant, List, Progress)} once per job) and the claim function called
     * after them ({@code LATERAL} on their count, so the claim sees the ends and can take the slots they freed). SQLite:
     * each end's transaction, then a claim's. Should the combined statement fail, each job is ended alone, so no end is
     * lost to the claim.
     */
    @Override
    public EndsAndClaims finishAllAndClaim(String workerId, List<End> ends, int perHostLimit, int max, Instant now) {
        if (dialect != Dialect.POSTGRESQL || ends.isEmpty()) {
            return Jobs.super.finishAllAndClaim(workerId, ends, perHostLimit, max, now);
        }
        if (ends.size() > ENDS_PER_STATEMENT) { // the first ends without a claim, the last with it
            Set<String> finished = new HashSet<>();
            List<End> rest = ends;
            for (; rest.size() > ENDS_PER_STATEMENT; rest = rest.subList(ENDS_PER_STATEMENT, rest.size())) {
                finished.addAll(finishAllAndClaim(workerId, rest.subList(0, ENDS_PER_STATEMENT), perHostLimit, 0, now)
                        .finished());
            }
            EndsAndClaims last = finishAllAndClaim(workerId, rest, perHostLimit, max, now);
            finished.addAll(last.finished());
            return new EndsAndClaims(finished, last.claimed());
        }
        List<Object> args = new ArrayList<>();
        StringBuilder statement = new StringBuilder("WITH ");
        List<String> values = new ArrayList<>();
        List<Object[]> apart = linesApart(ends);
        for (End end : apart.isEmpty() ? ends : List.<End>of()) {
            for (LogLine line : end.lastLines()) {
                values.add("(?, ?, ?, ?)");
                args.addAll(List.of(end.id(), line.at(), line.level(), line.message()));
            }
        }
        if (!values.isEmpty()) {
            statement.append("logged AS (INSERT INTO job_log (job_id, logged_at, level, message) VALUES ")
                    .append(String.join(", ", values)).append("), ");
        }
        List<String> each = new ArrayList<>();
        for (int i = 0; i < ends.size(); i++) {
            End end = ends.get(i);
            List<Object> endArgs = new ArrayList<>();
            statement.append("ended").append(i).append(" AS (")
                    .append(end(end.id(), workerId, end.outcome(), end.at(), end.lastProgress(), endArgs))
                    .append(" RETURNING id), planned").append(i).append(" AS (").append(SqlPlans.RUN_END)
                    .append(" WHERE last_job_id IN (SELECT id FROM ended").append(i).append(") AND last_outcome = ?), ");
            args.addAll(endArgs);
            args.addAll(SqlPlans.runEndArgs(end.outcome(), end.id(), end.at()));
            args.add(Plan.Outcome.QUEUED);
            each.add("SELECT id FROM ended" + i);
        }
        statement.append("ended AS (").append(String.join(" UNION ALL ", each)).append(")")
                .append(" SELECT e.ids, c.* FROM (SELECT array_agg(id) AS ids, COUNT(*) AS n FROM ended) e LEFT JOIN LATERAL ")
                .append("coffer_claim_jobs(?, ?, CASE WHEN e.n >= 0 THEN ? ELSE 0 END, ?, ?, ?, ?) c ON TRUE");
        args.addAll(claimArgs(workerId, perHostLimit, Math.max(0, max), now));
        Set<String> finished = new HashSet<>();
        List<Job> claimed = new ArrayList<>();
        try {
            withLines(apart, statement.toString(), r -> {
                Array ids = r.getArray("ids");
                if (ids != null) {
                    finished.addAll(List.of((String[]) ids.getArray()));
                }
                if (r.getString("id") != null) {
                    claimed.add(row(r));
                }
                return Boolean.TRUE;
            }, args);
        } catch (CofferException e) {
            System.getLogger(SqlJobs.class.getName()).log(System.Logger.Level.WARNING, "the ends of jobs "
                    + ends.stream().map(End::id).toList() + " with the next claim failed (" + e.getMessage()
                    + "); ending each alone");
            return Jobs.super.finishAllAndClaim(workerId, ends, perHostLimit, 0, now);
        }
        for (End end : ends) {
            Progress last = end.lastProgress();
            if (!finished.contains(end.id()) && last != null) {
                progress(end.id(), last.bytesDone(), last.bytesTotal(), last.bytesPerSecond(), last.etaSeconds());
            }
        }
        return new EndsAndClaims(finished, claimed);
    }

    /**
     * The most log lines a PostgreSQL statement of ends carries (four parameters each): a statement has at most 65,535
     * parameters (the protocol counts them in two bytes), and the ends' lines are what can grow. Ends with more lines
     * write them first, {@value} to an insert, in the transaction of the ends' statement ({@link #withLines}).
     */
    static final int LINES_PER_STATEMENT = 2_000;
    /** The most ends one statement of {@link #finishAllAndClaim} writes (about 17 parameters each). */
    static final int ENDS_PER_STATEMENT = 500;

    /**
     * The ends' lines as {@link #INSERT_LOG}'s rows when they are more than one statement carries
     * ({@value #LINES_PER_STATEMENT}), to be written apart; else none (they go in the ends' statement).
     */
    private static List<Object[]> linesApart(List<End> ends) {
        if (ends.stream().mapToInt(e -> e.lastLines().size()).sum() <= LINES_PER_STATEMENT) {
            return List.of();
        }
        List<Object[]> rows = new ArrayList<>();
        ends.forEach(e -> e.lastLines().forEach(l -> rows.add(new Object[]{e.id(), l.at(), l.level(), l.message()})));
        return rows;
    }

    /**
     * Runs the ends' {@code statement}: alone (one round trip, the lines in it) when {@code apart} is empty, else in one
     * transaction after {@code apart}'s lines, {@value #LINES_PER_STATEMENT} to an insert, so that either all is
     * written or nothing (an end that fails is written again alone, with its lines).
     */
    private <T> List<T> withLines(List<Object[]> apart, String statement, Sql.Row<T> row, List<Object> args) {
        if (apart.isEmpty()) {
            return sql.query(statement, row, args.toArray());
        }
        return sql.transaction(s -> {
            for (int from = 0; from < apart.size(); from += LINES_PER_STATEMENT) {
                List<Object[]> lines = apart.subList(from, Math.min(apart.size(), from + LINES_PER_STATEMENT));
                List<Object> lineArgs = new ArrayList<>(4 * lines.size());
                lines.forEach(l -> lineArgs.addAll(Arrays.asList(l)));
                s.update("INSERT INTO job_log (job_id, logged_at, level, message) VALUES "
                        + String.join(", ", Collections.nCopies(lines.size(), "(?, ?, ?, ?)")), lineArgs.toArray());
            }
            return s.query(statement, row, args.toArray());
        });
    }

    /**
     * The conditional {@code UPDATE} of a job's end (with its last progress when not null); fills {@code args} with its
     * arguments.
     */
    private static String end(String id, String workerId, Outcome outcome, Instant now, Progress lastProgress,
                              List<Object> args) {
        if (!outcome.state().isFinal()) {
            throw new IllegalArgumentException("a job cannot finish " + outcome.state());
        }
        args.addAll(Arrays.asList(outcome.state(), outcome.result(), outcome.errorCode(), outcome.errorMessage(),
                now));
        String progress = "";
        if (lastProgress != null) {
            progress = ", bytes_done = ?, bytes_total = ?, bytes_per_second = ?, eta_seconds = ?";
            args.addAll(List.of(lastProgress.bytesDone(), lastProgress.bytesTotal(), lastProgress.bytesPerSecond(),
                    lastProgress.etaSeconds()));
        }
        args.addAll(List.of(id, workerId, JobState.running));
        return "UPDATE jobs SET state = ?, result = ?, error_code = ?, error_message = ?, finished_at = ?" + progress
                + " WHERE id = ? AND worker = ? AND state = ?";
    }

    /**
     * PostgreSQL: the {@code WITH} of a job's end, up to its main query: its last lines ({@code logged}), its row
     * ({@code ended}: {@code end}, its ids returned) and its plan's outcome ({@code planned}); adds the arguments to
     * {@code args}.
     */
    private static String endStatement(String id, Outcome outcome, Instant now, List<LogLine> lastLines, String end,
                                       List<Object> endArgs, List<Object> args) {
        StringBuilder statement = new StringBuilder("WITH ");
        if (!lastLines.isEmpty()) {
            statement.append("logged AS (INSERT INTO job_log (job_id, logged_at, level, message) VALUES ")
                    .append(String.join(", ", Collections.nCopies(lastLines.size(), "(?, ?, ?, ?)"))).append("), ");
            lastLines.forEach(l -> args.addAll(List.of(id, l.at(), l.level(), l.message())));
        }
        statement.append("ended AS (").append(end).append(" RETURNING id), planned AS (").append(SqlPlans.RUN_END)
                .append(" WHERE last_job_id IN (SELECT id FROM ended) AND last_outcome = ?)");
        args.addAll(endArgs);
        args.addAll(SqlPlans.runEndArgs(outcome, id, now));
        args.add(Plan.Outcome.QUEUED);
        return statement.toString();
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
    public List<Held> runningOf(String workerId) {
        return sql.query("SELECT id, started_at, cancel_requested FROM jobs WHERE worker = ? AND state = ?",
                r -> new Held(r.getString("id"), Sql.instant(r, "started_at"), Sql.flag(r, "cancel_requested")),
                workerId, JobState.running);
    }

    @Override
    public Subscription whenChanged(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Wakes the runners of this process (after a job was queued in another repository's transaction, too), and on
     * PostgreSQL tells the other servers ({@link JobNotices}).
     */
    void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) { // the change is committed: a listener's failure must not read as the caller's
                System.getLogger(SqlJobs.class.getName()).log(System.Logger.Level.WARNING,
                        "a listener of job changes failed: " + e);
            }
        }
        if (notices != null) {
            try {
                sql.read(s -> s.one("SELECT pg_notify(?, '')", r -> Boolean.TRUE, JobNotices.CHANNEL));
            } catch (RuntimeException e) { // the others still look at the catalog every second
                System.getLogger(SqlJobs.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot tell the other servers of a job change: " + e.getMessage());
            }
        }
    }

    @Override
    public void wakeWaitingClaims() {
        changed();
    }

    @Override
    public Subscription whenChangedAnywhere(Runnable listener) {
        Subscription local = whenChanged(listener);
        if (notices == null) {
            return local;
        }
        Subscription others = notices.subscribe(listener);
        return () -> {
            local.close();
            others.close();
        };
    }

    private static void log(Sql.Session s, String id, String level, String message, Instant now) throws SQLException {
        s.update(INSERT_LOG, id, now, level, message);
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
