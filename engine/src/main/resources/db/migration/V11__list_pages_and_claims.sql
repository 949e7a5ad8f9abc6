-- Lists that scale (docs/api.md "Lists", docs/design/catalog.md): the points and jobs lists are read newest first
-- (created_at DESC, id DESC) one page at a time, from a cursor (keyset paging); each index below serves one filter
-- in that order, so a page reads its rows and no more. jobs_by_host serves the claim's count of a host's running
-- jobs (docs/design/jobs.md), which ten thousand queued jobs would otherwise scan; plans_by_next_run the scheduler's
-- look for the earliest next run, every second (docs/design/scheduler.md); plans_by_last_job the end of every job,
-- which records itself on the plan whose last run it is (SqlPlans.recordRunEnd), a scan of every plan without it.
CREATE INDEX points_newest ON points (created_at, id);
DROP INDEX points_by_instance;
CREATE INDEX points_by_instance ON points (instance_id, created_at, id);
DROP INDEX points_by_region;
CREATE INDEX points_by_region ON points (region, created_at, id);

CREATE INDEX jobs_newest ON jobs (created_at, id);
DROP INDEX jobs_by_state;
CREATE INDEX jobs_by_state ON jobs (state, created_at, id);
DROP INDEX jobs_by_target;
CREATE INDEX jobs_by_target ON jobs (target, created_at, id);
CREATE INDEX jobs_by_host ON jobs (host_id, state);
CREATE INDEX plans_by_next_run ON plans (next_run);
CREATE INDEX plans_by_last_job ON plans (last_job_id);
