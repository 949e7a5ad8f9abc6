-- Coffer catalog, version 2: policies, protection plans, and what retention needs to know of each point
-- (docs/design/scheduler.md). Same conventions as V1: BIGINT epoch milliseconds, INTEGER 0/1 flags, TEXT JSON.

-- A policy: its document is the JSON form of coffer.engine.policy.Policy (PolicyJson), validated on write.
CREATE TABLE policies (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    document   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A protection plan: one protected instance bound to exactly one policy (instance_id is unique).
-- state: active | suspended | stopped (stopped: the instance was released; resume once it exists again).
-- next_run: the persisted next run (already staggered); the scheduler moves it forward in the same
-- transaction that queues the run, with a condition on its old value, so a restart neither skips nor doubles.
-- last_outcome: the last thing the scheduler has to say (an ErrorCode name such as PlanSuspended or
-- InstanceReleased, or Queued), with its message and time.
CREATE TABLE plans (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    instance_id          TEXT NOT NULL UNIQUE REFERENCES instances (id),
    policy_id            TEXT NOT NULL REFERENCES policies (id),
    state                TEXT NOT NULL,
    next_run             BIGINT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    last_run_at          BIGINT,
    last_job_id          TEXT,
    last_outcome         TEXT,
    last_outcome_message TEXT,
    last_outcome_at      BIGINT
);
CREATE INDEX plans_by_policy ON plans (policy_id);

-- Retention facts of a point. origin: MANUAL (a person's backup: its own expiry) or POLICY (a plan's run).
-- pinned: NULL (policy point: the policy's rules decide; manual point: expires_at, NULL = never),
-- AT (kept at least until pinned_until: an extension) or NEVER (set to never expire).
-- expires_at (V1) stays the expiry shown; retention keeps it current for policy points.
ALTER TABLE points ADD COLUMN origin TEXT NOT NULL DEFAULT 'MANUAL';
ALTER TABLE points ADD COLUMN plan_id TEXT;
ALTER TABLE points ADD COLUMN policy_id TEXT;
ALTER TABLE points ADD COLUMN immutable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE points ADD COLUMN pinned TEXT;
ALTER TABLE points ADD COLUMN pinned_until BIGINT;
