package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.JobOperation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@link Plans} in SQL. The scheduler's writes are {@code UPDATE ... WHERE id = ? AND next_run = ? AND
 * state = ?}: the row count says whether this caller decided the slot; a job is inserted only then, in the
 * same transaction. Thread-safe.
 */
final class SqlPlans implements Plans {
    static final String COLUMNS = "SELECT id, name, instance_id, policy_id, state, next_run, created_at, updated_at,"
            + " last_run_at, last_job_id, last_outcome, last_outcome_message, last_outcome_at FROM plans";

    /** Makes a job the plan's last run: last_run_at, last_job_id, last_outcome (Queued), its message, its time. */
    private static final String RECORD_RUN = "UPDATE plans SET last_run_at = ?, last_job_id = ?, last_outcome = ?,"
            + " last_outcome_message = ?, last_outcome_at = ?";

    private final Sql sql;
    private final Clock clock;
    private final SqlJobs jobs;

    SqlPlans(Sql sql, Clock clock, SqlJobs jobs) {
        this.sql = sql;
        this.clock = clock;
        this.jobs = jobs;
    }

    @Override
    public Plan create(String id, String name, String instanceId, String policyId, Instant nextRun) {
        Instant now = clock.instant();
        return sql.transaction(s -> {
            Optional<String> existing = s.one("SELECT name FROM plans WHERE instance_id = ?", r -> r.getString(1), instanceId);
            if (existing.isPresent()) {
                throw new CofferException(ErrorCode.PlanExists, "instance " + instanceId + " is already bound by plan '"
                        + existing.get() + "'; an instance has exactly one plan");
            }
            requireFreeName(s, name, null);
            s.update("INSERT INTO plans (id, name, instance_id, policy_id, state, next_run, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, name, instanceId, policyId, Plan.State.active, nextRun, now, now);
            return s.one(COLUMNS + " WHERE id = ?", SqlPlans::row, id).orElseThrow();
        });
    }

    @Override
    public Optional<Plan> rebind(String id, String policyId, Instant nextRun) {
        return change(id, "policy_id = ?, state = ?, next_run = ?, last_outcome = NULL, last_outcome_message = NULL,"
                + " last_outcome_at = NULL", policyId, Plan.State.active, nextRun);
    }

    @Override
    public Optional<Plan> rename(String id, String name) {
        return sql.transaction(s -> {
            requireFreeName(s, name, id);
            s.update("UPDATE plans SET name = ?, updated_at = ? WHERE id = ?", name, clock.instant(), id);
            return s.one(COLUMNS + " WHERE id = ?", SqlPlans::row, id);
        });
    }

    @Override
    public Optional<Plan> setState(String id, Plan.State state, Instant nextRun, Plan.Outcome outcome) {
        return change(id, "state = ?, next_run = ?, last_outcome = ?, last_outcome_message = ?, last_outcome_at = ?",
                state, nextRun, outcome == null ? null : outcome.code(), outcome == null ? null : outcome.message(),
                outcome == null ? null : outcome.at());
    }

    private Optional<Plan> change(String id, String assignments, Object... values) {
        Object[] args = new Object[values.length + 2];
        System.arraycopy(values, 0, args, 0, values.length);
        args[values.length] = clock.instant();
        args[values.length + 1] = id;
        return sql.transaction(s -> {
            s.update("UPDATE plans SET " + assignments + ", updated_at = ? WHERE id = ?", args);
            return s.one(COLUMNS + " WHERE id = ?", SqlPlans::row, id);
        });
    }

    @Override
    public Optional<Plan> find(String id) {
        return sql.one(COLUMNS + " WHERE id = ?", SqlPlans::row, id);
    }

    @Override
    public Optional<Plan> resolve(String idOrName) {
        return find(idOrName).or(() -> sql.one(COLUMNS + " WHERE name = ?", SqlPlans::row, idOrName));
    }

    @Override
    public Optional<Plan> findByInstance(String instanceId) {
        return sql.one(COLUMNS + " WHERE instance_id = ?", SqlPlans::row, instanceId);
    }

    @Override
    public List<Plan> list() {
        return sql.query(COLUMNS + " ORDER BY name", SqlPlans::row);
    }

    @Override
    public NamePage<Plan> page(PlanQuery query) {
        Where where = new Where().in("instance_id", query.instanceIds()).equal("policy_id", query.policyId())
                .equal("state", query.state()).after(query.after());
        return NamePage.of(sql.query(COLUMNS + where.byName(query.limit()), SqlPlans::row, where.args()), query.limit(),
                p -> new NameCursor(p.name(), p.id()));
    }

    @Override
    public List<Plan> listByPolicy(String policyId) {
        return sql.query(COLUMNS + " WHERE policy_id = ? ORDER BY name", SqlPlans::row, policyId);
    }

    @Override
    public java.util.Map<String, Integer> countByPolicies(java.util.Collection<String> policyIds) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        if (!policyIds.isEmpty()) {
            Where where = new Where().in("policy_id", policyIds.stream().distinct().toList());
            sql.query("SELECT policy_id, COUNT(*) FROM plans" + where.clause() + " GROUP BY policy_id",
                    r -> java.util.Map.entry(r.getString(1), r.getInt(2)), where.args())
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
        }
        return counts;
    }

    @Override
    public boolean delete(String id) {
        return sql.update("DELETE FROM plans WHERE id = ?", id) > 0;
    }

    @Override
    public int deleteByInstance(String instanceId) {
        return sql.update("DELETE FROM plans WHERE instance_id = ?", instanceId);
    }

    @Override
    public Optional<Instant> earliestNextRun() {
        return sql.query("SELECT MIN(next_run) AS earliest FROM plans WHERE state <> ?", r -> Sql.instant(r, "earliest"),
                Plan.State.stopped).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    @Override
    public List<Plan> duePage(Instant now, Collection<String> outcomes, Plan after, int limit) {
        List<Object> args = new ArrayList<>(List.of(Plan.State.stopped, now));
        StringBuilder where = new StringBuilder(" WHERE state <> ? AND (next_run <= ?");
        if (!outcomes.isEmpty()) {
            where.append(" OR last_outcome IN (").append(String.join(", ", Collections.nCopies(outcomes.size(), "?")))
                    .append(")");
            args.addAll(outcomes);
        }
        where.append(")");
        if (after != null) { // the order's key, as the index plans_by_next_run (V30) has it
            where.append(" AND (next_run, id) > (?, ?)");
            args.addAll(List.of(after.nextRun(), after.id()));
        }
        args.add(limit);
        return sql.query(COLUMNS + where + " ORDER BY next_run, id LIMIT ?", SqlPlans::row, args.toArray());
    }

    @Override
    public Optional<Job> queueRun(String planId, Instant expectedNextRun, Instant nextRun, JobOperation<?> operation,
                                  String hostId, Instant now) {
        return queueRuns(List.of(new DueRun(planId, expectedNextRun, nextRun, operation, hostId)), now).stream().findFirst();
    }

    @Override
    public List<Job> queueRuns(List<DueRun> runs, Instant now) {
        List<Job> queued = sql.transaction(s -> {
            List<String> jobIds = runs.stream().map(run -> TimeOrderedIds.next()).toList();
            java.util.Set<String> updated = decideRuns(s, runs, jobIds, now);
            List<Object[]> insert = new java.util.ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                if (updated.contains(runs.get(i).planId())) {
                    DueRun run = runs.get(i);
                    insert.add(SqlJobs.queuedRow(jobIds.get(i), run.operation(), run.hostId(), now));
                }
            }
            List<Job> inserted = SqlJobs.insertQueued(s, insert);
            AgentPlacement.placeInserted(s, inserted); // a run whose vault the host's agent does not reach: a server's
            return inserted;
        });
        if (!queued.isEmpty()) {
            jobs.changed();
        }
        return queued;
    }

    /**
     * The conditional updates of {@code runs}' plans (each: {@code next_run} still the value read, the plan active), in
     * one statement ({@code WITH v(…) AS (VALUES …) UPDATE plans … FROM v … RETURNING id}: a tick queues 200 runs to a
     * transaction, docs/design/scheduler.md); the ids of the plans updated. Runs of one plan twice in a list (no tick
     * makes such a list) take one statement each, so each is decided on its own.
     */
    private static java.util.Set<String> decideRuns(Sql.Session s, List<DueRun> runs, List<String> jobIds, Instant now)
            throws SQLException {
        if (runs.stream().map(DueRun::planId).distinct().count() < runs.size()) {
            java.util.Set<String> updated = new java.util.HashSet<>();
            for (int i = 0; i < runs.size(); i++) {
                DueRun run = runs.get(i);
                String jobId = jobIds.get(i);
                if (s.update(RECORD_RUN + ", next_run = ?, updated_at = ? WHERE id = ? AND next_run = ? AND state = ?", now,
                        jobId, Plan.Outcome.QUEUED, "backup job " + jobId + " queued", now, run.nextRun(), now, run.planId(),
                        run.expectedNextRun(), Plan.State.active) == 1) {
                    updated.add(run.planId());
                }
            }
            return updated;
        }
        List<Object> args = new java.util.ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            DueRun run = runs.get(i);
            args.addAll(List.of(run.planId(), run.expectedNextRun(), run.nextRun(), jobIds.get(i),
                    "backup job " + jobIds.get(i) + " queued"));
        }
        args.addAll(List.of(now, Plan.Outcome.QUEUED, now, now, Plan.State.active));
        String row = "(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT))";
        return new java.util.HashSet<>(s.query("WITH v (plan_id, expected, next_run, job_id, message) AS (VALUES "
                + String.join(", ", java.util.Collections.nCopies(runs.size(), row)) + ") UPDATE plans SET last_run_at = ?,"
                + " last_job_id = v.job_id, last_outcome = ?, last_outcome_message = v.message, last_outcome_at = ?,"
                + " next_run = v.next_run, updated_at = ? FROM v WHERE plans.id = v.plan_id AND plans.next_run = v.expected"
                + " AND plans.state = ? RETURNING id", r -> r.getString(1), args.toArray()));
    }

    @Override
    public Optional<Job> queueNow(String planId, JobOperation<?> operation, String hostId, Instant now) {
        Optional<Job> job = sql.transaction(s -> {
            if (s.count("SELECT COUNT(*) FROM plans WHERE id = ? AND state = ?", planId, Plan.State.active) != 1) {
                return Optional.empty();
            }
            return Optional.of(queue(s, planId, operation, hostId, now));
        });
        job.ifPresent(j -> jobs.changed());
        return job;
    }

    @Override
    public Optional<Job> queueRetry(String planId, String interruptedJobId, JobOperation<?> operation, String hostId,
                                    Instant now) {
        Optional<Job> job = sql.transaction(s -> {
            String jobId = TimeOrderedIds.next();
            if (recordRun(s, jobId, " WHERE id = ? AND last_job_id = ? AND state = ?", now, planId, interruptedJobId,
                    Plan.State.active) != 1) {
                return Optional.empty();
            }
            SqlJobs.insertQueued(s, jobId, operation, hostId, now);
            return s.one(SqlJobs.COLUMNS + " WHERE id = ?", SqlJobs::row, jobId);
        });
        job.ifPresent(j -> jobs.changed());
        return job;
    }

    private static Job queue(Sql.Session s, String planId, JobOperation<?> operation, String hostId, Instant now)
            throws SQLException {
        String jobId = SqlJobs.insertQueued(s, operation, hostId, now);
        recordRun(s, jobId, " WHERE id = ?", now, planId);
        return s.one(SqlJobs.COLUMNS + " WHERE id = ?", SqlJobs::row, jobId).orElseThrow();
    }

    /**
     * Makes {@code jobId} the last run of the plans {@code where} selects ({@code where} may begin with more
     * assignments; its arguments follow); returns how many.
     */
    private static int recordRun(Sql.Session s, String jobId, String where, Instant now, Object... whereArgs)
            throws SQLException {
        Object[] args = new Object[5 + whereArgs.length];
        Object[] set = {now, jobId, Plan.Outcome.QUEUED, "backup job " + jobId + " queued", now};
        System.arraycopy(set, 0, args, 0, set.length);
        System.arraycopy(whereArgs, 0, args, set.length, whereArgs.length);
        return s.update(RECORD_RUN + where, args);
    }

    /**
     * The end of a plan's run as the plan's last outcome: {@code Succeeded}, or the job's error code
     * ({@code Cancelled}, {@code WorkerLost}, …) with its message. Only while the plan still shows that job as
     * {@code Queued}: an outcome recorded since (a skipped run, a stop) says more and is kept. Jobs that are
     * no plan's last run change nothing.
     */
    static void recordRunEnd(Sql.Session s, String jobId, Jobs.Outcome outcome, Instant now) throws SQLException {
        List<Object> args = runEndArgs(outcome, jobId, now);
        args.add(jobId);
        args.add(Plan.Outcome.QUEUED);
        s.update(RUN_END + " WHERE last_job_id = ? AND last_outcome = ?", args.toArray());
    }

    /** {@link #recordRunEnd}'s statement before its {@code WHERE} (its arguments: {@link #runEndArgs}). */
    static final String RUN_END = "UPDATE plans SET last_outcome = ?, last_outcome_message = ?, last_outcome_at = ?";

    /** {@link #RUN_END}'s arguments: the outcome's code, its message and when. */
    static List<Object> runEndArgs(Jobs.Outcome outcome, String jobId, Instant now) {
        boolean succeeded = outcome.state() == JobState.succeeded;
        String code = succeeded ? Plan.Outcome.SUCCEEDED : outcome.errorCode() != null ? outcome.errorCode() : outcome.state().name();
        String message = succeeded ? "backup job " + jobId + " succeeded"
                : outcome.errorMessage() != null ? outcome.errorMessage() : "backup job " + jobId + " " + outcome.state();
        return new java.util.ArrayList<>(java.util.Arrays.asList(code, message, now));
    }

    @Override
    public boolean skipSuspended(String planId, Instant expectedNextRun, Instant nextRun, Plan.Outcome outcome) {
        return sql.update("UPDATE plans SET next_run = ?, last_outcome = ?, last_outcome_message = ?, last_outcome_at = ?,"
                        + " updated_at = ? WHERE id = ? AND next_run = ? AND state = ?", nextRun, outcome.code(),
                outcome.message(), outcome.at(), outcome.at(), planId, expectedNextRun, Plan.State.suspended) == 1;
    }

    @Override
    public boolean stop(String planId, Plan.Outcome outcome) {
        return sql.update("UPDATE plans SET state = ?, last_outcome = ?, last_outcome_message = ?, last_outcome_at = ?,"
                        + " updated_at = ? WHERE id = ? AND state <> ?", Plan.State.stopped, outcome.code(), outcome.message(),
                outcome.at(), outcome.at(), planId, Plan.State.stopped) == 1;
    }

    private static void requireFreeName(Sql.Session s, String name, String self) throws SQLException {
        Optional<String> owner = s.one("SELECT id FROM plans WHERE name = ?", r -> r.getString(1), name);
        if (owner.isPresent() && !owner.get().equals(self)) {
            throw new CofferException(ErrorCode.NameTaken, "name: a plan named '" + name + "' exists already (" + owner.get() + ")");
        }
    }

    static Plan row(ResultSet row) throws SQLException {
        String code = row.getString("last_outcome");
        Plan.Outcome outcome = code == null ? null
                : new Plan.Outcome(code, row.getString("last_outcome_message"), Sql.instant(row, "last_outcome_at"));
        return new Plan(row.getString("id"), row.getString("name"), row.getString("instance_id"), row.getString("policy_id"),
                Plan.State.valueOf(row.getString("state")), Sql.instant(row, "next_run"), Sql.instant(row, "created_at"),
                Sql.instant(row, "updated_at"), Sql.instant(row, "last_run_at"), row.getString("last_job_id"), outcome);
    }
}
