-- PostgreSQL only (docs/design/catalog.md): the claim's queries planned once per session, not at every call (issue 21,
-- docs/performance.md "Scheduler"). coffer_claim_jobs of V23: the same steps, locks and choice.
-- Before, every call planned its queries for its values (force_custom_plan): about half of the claim's database CPU,
-- itself ~45 % of the benchmark database's, was planning. Cached generic plans alone had been worse (5.3 ms of database
-- CPU a run instead of 1.4; 1.7 instead of 0.8 with V23's queries): a session makes its generic plans at its first
-- claim, when a young catalog's jobs table has a few hundred rows and no statistics, so a sequential scan, a hash join
-- or a scan of every queued entry looks cheapest, and the plan stays for the session until the table's statistics
-- change.
-- Now every access is by a key, so that a plan made on a table of any size reads what a plan for the call's values
-- reads: the head in jobs_by_state order (it now returns its jobs' hosts, types and times too, so its rows are not read
-- again), the running counts in jobs_by_host, the hosts and the update by their primary keys (`id = ANY (…)`); and
-- the function plans without sequential scans, bitmap scans, hash and merge joins (settings that hold inside the
-- function alone). Its generic plans are kept for the session (force_generic_plan).
-- The head's rows are locked (FOR UPDATE) from the first query to the commit, so nothing else changes them meanwhile:
-- the candidates are the head as it was read, and the update needs no test of their state (a test of `state` would
-- offer the planner jobs_by_state, which on a young table it may choose, reading every queued entry).
CREATE OR REPLACE FUNCTION coffer_claim_jobs(p_worker TEXT, p_limit INTEGER, p_max INTEGER, p_now BIGINT, p_line TEXT,
                                             p_uncounted TEXT, p_agent_types TEXT) RETURNS SETOF jobs
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    uncounted TEXT[] := string_to_array(p_uncounted, ',');
    agent_types TEXT[] := string_to_array(p_agent_types, ',');
    head TEXT[];
    head_hosts TEXT[];
    head_types TEXT[];
    head_times BIGINT[];
    chosen TEXT[];
    attempt INTEGER := 0;
BEGIN
    IF p_max < 1 THEN
        RETURN;
    END IF;
    LOOP
        attempt := attempt + 1;
        SELECT array_agg(h.id ORDER BY h.created_at, h.id), array_agg(h.host_id ORDER BY h.created_at, h.id),
               array_agg(h.type ORDER BY h.created_at, h.id), array_agg(h.created_at ORDER BY h.created_at, h.id)
            INTO head, head_hosts, head_types, head_times FROM (
            SELECT j.id, j.host_id, j.type, j.created_at FROM jobs j
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
        PERFORM 1 FROM hosts
            WHERE id = ANY (ARRAY(SELECT c.host_id FROM unnest(head_hosts, head_types) AS c (host_id, type)
                                  WHERE c.type <> ALL (uncounted)))
            ORDER BY id FOR NO KEY UPDATE;
        SELECT array_agg(c.id ORDER BY c.created_at, c.id) INTO chosen FROM (
            SELECT c.id, c.created_at FROM (
                SELECT k.id, k.host_id, k.type, k.created_at,
                       ROW_NUMBER() OVER (PARTITION BY k.host_id, k.type = ANY (uncounted)
                                          ORDER BY k.created_at, k.id) AS rank
                FROM unnest(head, head_hosts, head_types, head_times) AS k (id, host_id, type, created_at)) c
            WHERE c.type = ANY (uncounted)
               OR c.rank + (SELECT COUNT(*) FROM jobs r WHERE r.host_id = c.host_id AND r.state = 'running'
                            AND r.type <> ALL (uncounted)) <= p_limit
            ORDER BY c.created_at, c.id LIMIT p_max) c;
        IF chosen IS NOT NULL THEN
            RETURN QUERY
                WITH claimed AS (
                    UPDATE jobs SET state = 'running', worker = p_worker, started_at = p_now, heartbeat_at = p_now
                    WHERE id = ANY (chosen) RETURNING jobs.*),
                logged AS (
                    INSERT INTO job_log (job_id, logged_at, level, message)
                    SELECT id, p_now, 'info', p_line FROM claimed ORDER BY created_at, id)
                SELECT * FROM claimed ORDER BY created_at, id;
            RETURN;
        END IF;
        IF attempt >= 4 THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;
