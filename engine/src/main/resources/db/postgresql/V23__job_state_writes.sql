-- PostgreSQL only (docs/design/catalog.md): a cheaper claim and fewer index writes per job state change (issue 21,
-- docs/performance.md "Scheduler").
-- 1. Free space in the pages of plans and jobs (fillfactor), so that an update whose changed columns no index holds is
--    heap-only (HOT: no index entry written): the end of every scheduled run updates its plan's outcome columns
--    (SqlPlans.RUN_END), which no index holds, but with full pages (the default fillfactor 100) its new row version had
--    to go to another page and every one of the plan's seven indexes took an entry. Heartbeats (jobs.heartbeat_at) too.
--    Rows written from now on leave the space; the pages of an existing catalog keep theirs until rewritten.
-- 2. jobs_agent_claim holds only the jobs an agent claimed (agent_claim is NULL for all others, which no query looks
--    up: ClaimAgentJob asks for `agent_claim = ?`), so a server worker's job adds no entry to it at each state change.
-- 3. The claim (coffer_claim_jobs of V20, the same steps otherwise) reads its candidates by their ids alone: the
--    planner combined `id = ANY (head) AND state = 'queued'` into a bitmap AND of the primary key and jobs_by_state,
--    which read every entry of jobs_by_state under 'queued' (~5,700 at 10,000 queued runs, live and dead versions: a
--    bitmap scan never marks dead entries) for the ~10 rows it wanted, in every claim.
-- 4. hosts_with_agent: the claim leaves the jobs of hosts an agent serves (`host_id IN (SELECT id FROM hosts WHERE
--    agent IS NOT NULL)`), which read every host row (a sequential scan of 1,000 hosts) in every claim.
ALTER TABLE plans SET (fillfactor = 70);
ALTER TABLE jobs SET (fillfactor = 80);
DROP INDEX jobs_agent_claim;
CREATE INDEX jobs_agent_claim ON jobs (agent_claim) WHERE agent_claim IS NOT NULL;
CREATE INDEX hosts_with_agent ON hosts (id) WHERE agent IS NOT NULL;

CREATE OR REPLACE FUNCTION coffer_claim_jobs(p_worker TEXT, p_limit INTEGER, p_max INTEGER, p_now BIGINT, p_line TEXT,
                                  p_uncounted TEXT, p_agent_types TEXT) RETURNS SETOF jobs
    LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    uncounted TEXT[] := string_to_array(p_uncounted, ',');
    agent_types TEXT[] := string_to_array(p_agent_types, ',');
    head TEXT[];
    attempt INTEGER := 0;
BEGIN
    IF p_max < 1 THEN
        RETURN;
    END IF;
    LOOP
        attempt := attempt + 1;
        SELECT array_agg(h.id ORDER BY h.created_at, h.id) INTO head FROM (
            SELECT j.id, j.created_at FROM jobs j
            WHERE j.state = 'queued'
              AND NOT (((j.type = ANY (agent_types) AND j.on_agent >= 0) OR j.on_agent = 1)
                       AND j.host_id IN (SELECT id FROM hosts WHERE agent IS NOT NULL))
              AND (j.type = ANY (uncounted)
                   OR (SELECT COUNT(*) FROM jobs r WHERE r.host_id = j.host_id AND r.state = 'running'
                       AND r.type <> ALL (uncounted)) < p_limit)
            ORDER BY j.created_at, j.id LIMIT 2 * p_max FOR UPDATE SKIP LOCKED) h;
        IF head IS NULL THEN
            RETURN;
        END IF;
        PERFORM 1 FROM hosts WHERE id IN (SELECT host_id FROM jobs WHERE id = ANY (head) AND type <> ALL (uncounted))
            ORDER BY id FOR NO KEY UPDATE;
        RETURN QUERY
            WITH candidate AS (
                SELECT id, host_id, type, created_at,
                       ROW_NUMBER() OVER (PARTITION BY host_id, type = ANY (uncounted) ORDER BY created_at, id) AS rank
                FROM unnest(head) AS h (head_id) JOIN jobs ON jobs.id = h.head_id WHERE state = 'queued'),
            chosen AS (
                SELECT c.id FROM candidate c
                WHERE c.type = ANY (uncounted)
                   OR c.rank + (SELECT COUNT(*) FROM jobs r WHERE r.host_id = c.host_id AND r.state = 'running'
                                AND r.type <> ALL (uncounted)) <= p_limit
                ORDER BY c.created_at, c.id LIMIT p_max),
            claimed AS (
                UPDATE jobs SET state = 'running', worker = p_worker, started_at = p_now, heartbeat_at = p_now
                WHERE id IN (SELECT id FROM chosen) AND state = 'queued' RETURNING jobs.*),
            logged AS (
                INSERT INTO job_log (job_id, logged_at, level, message)
                SELECT id, p_now, 'info', p_line FROM claimed ORDER BY created_at, id)
            SELECT * FROM claimed ORDER BY created_at, id;
        IF FOUND OR attempt >= 4 THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;
