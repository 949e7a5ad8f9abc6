-- PostgreSQL only (this location is migrated on PostgreSQL alone; docs/design/catalog.md): a batch claim of queued jobs
-- as one function call, so a claim is one round trip, and a worker thread's end and its next claim one statement
-- (docs/design/jobs.md, "Claiming"). The steps and their order are SqlJobs' two-statement claim's, which it replaces:
--   1. the head of the queue: the oldest queued jobs in the servers' scope whose host was below its limit when read,
--      2 x max of them, FOR UPDATE SKIP LOCKED (claims of other servers take other jobs);
--   2. their hosts locked in id order (FOR NO KEY UPDATE: no circle of waits; a job insert's key check does not wait);
--   3. the choice (oldest first, each host's running jobs plus the batch's own within the limit), the update and the
--      start lines. The function is VOLATILE, so this query takes a snapshot of its own, after step 2 holds the hosts:
--      its counts see every claim committed before, which makes the per-host limit exact across servers.
-- A look that claimed nothing while there were candidates (taken by others, or their hosts full) is followed by
-- another, at most four. Job types are passed in (names, comma-separated), so the Java enums stay their only source.
-- Every query is planned for the call's values (force_custom_plan): with cached generic plans, which know neither the
-- LIMIT nor the arrays' lengths, the database spent 5.3 ms of CPU a run instead of 1.4 (docs/performance.md, "Scheduler").
CREATE FUNCTION coffer_claim_jobs(p_worker TEXT, p_limit INTEGER, p_max INTEGER, p_now BIGINT, p_line TEXT,
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
              AND NOT ((j.type = ANY (agent_types) OR j.on_agent = 1)
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
                FROM jobs WHERE id = ANY (head) AND state = 'queued'),
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
