-- Coffer catalog, version 5: regions and replication (docs/design/replication.md). Additive only: every row
-- written before it belongs to the region 'local', the one region of a server configured without regions.

-- The region each row belongs to: a policy's and a protection's (where its instance runs and its points are
-- made), a point's (the region of its vault: a replica's is its destination's), a job's (where it runs).
ALTER TABLE policies ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
ALTER TABLE protections ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
ALTER TABLE points ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
ALTER TABLE jobs ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
CREATE INDEX points_by_region ON points (region, created_at);

-- The replication of a point to one destination (region, vault). No row: not replicated there.
-- state: QUEUED | RUNNING | DONE (replica_id: the replica's point id in the destination vault) | FAILED (error_code,
-- error_message; next_attempt_at: when it is retried, NULL: not retried). attempts: runs that failed so far.
-- No foreign key to points: a point row is replaced (deleted and inserted) by a rebuild; the status is kept, and
-- removed with the point by Points.delete.
CREATE TABLE point_replications (
    point_id        TEXT NOT NULL,
    region          TEXT NOT NULL,
    vault           TEXT NOT NULL,
    state           TEXT NOT NULL,
    replica_id      TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    error_code      TEXT,
    error_message   TEXT,
    job_id          TEXT,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (point_id, region, vault)
);
CREATE INDEX point_replications_due ON point_replications (state, next_attempt_at);
