-- Coffer catalog, version 6: assurance (docs/design/assurance.md): verify runs, restore drills, change samples and
-- change alerts. Additive only. Same conventions as V1: BIGINT epoch milliseconds, INTEGER 0/1 flags, TEXT JSON.
-- (Version 4 is left to the operation-model migration made on another branch.)

-- A finished verify run of a vault. kind: FULL or SAMPLED; a sampled run read slice `slice` (0-based) of a rotation
-- of `slices` (a full run: 0 of 1). The next sampled run of the vault takes the next slice (the persisted cursor).
-- points_affected: JSON list of point ids with damage. quarantine_note: why damaged chunks were not moved (NULL when
-- they were, or there were none).
CREATE TABLE verify_runs (
    id              TEXT PRIMARY KEY,
    vault           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    slice           INTEGER NOT NULL,
    slices          INTEGER NOT NULL,
    started_at      BIGINT NOT NULL,
    finished_at     BIGINT NOT NULL,
    points          INTEGER NOT NULL,
    chunks_checked  BIGINT NOT NULL,
    bytes_checked   BIGINT NOT NULL,
    damaged_ranges  INTEGER NOT NULL,
    points_affected TEXT NOT NULL,
    quarantined     INTEGER NOT NULL,
    quarantine_note TEXT,
    job_id          TEXT
);
CREATE INDEX verify_runs_by_vault ON verify_runs (vault, kind, finished_at);

-- A restore drill: the newest point of an instance restored as a throwaway, isolated copy, booted, checked and
-- destroyed. failed_phase: RESTORE, BOOT, CHECK or CLEANUP when it failed (NULL when it passed). The *_millis are
-- NULL for phases not reached. check_output: the start of the check command's output.
CREATE TABLE drill_runs (
    id             TEXT PRIMARY KEY,
    instance_id    TEXT NOT NULL REFERENCES instances (id),
    point_id       TEXT NOT NULL,
    vault          TEXT NOT NULL,
    started_at     BIGINT NOT NULL,
    finished_at    BIGINT NOT NULL,
    passed         INTEGER NOT NULL,
    failed_phase   TEXT,
    reason         TEXT,
    restore_millis BIGINT,
    boot_millis    BIGINT,
    check_millis   BIGINT,
    check_exit     INTEGER,
    check_output   TEXT,
    job_id         TEXT
);
CREATE INDEX drill_runs_by_instance ON drill_runs (instance_id, finished_at);
CREATE INDEX drill_runs_by_point ON drill_runs (point_id);

-- What one incremental backup found changed: the bytes the dirty bitmaps covered, the plaintext stored anew and
-- what it became. The baseline of an instance is judged on its recent samples.
CREATE TABLE change_samples (
    point_id         TEXT PRIMARY KEY,
    instance_id      TEXT NOT NULL REFERENCES instances (id),
    taken_at         BIGINT NOT NULL,
    changed_bytes    BIGINT NOT NULL,
    new_bytes        BIGINT NOT NULL,
    new_stored_bytes BIGINT NOT NULL
);
CREATE INDEX change_samples_by_instance ON change_samples (instance_id, taken_at);

-- A change alert on a point. kind: CHANGE_RATE (measured, baseline: changed bytes) or ENTROPY (measured, baseline:
-- the share of new data that did not compress, 0..1). While acknowledged_at is NULL, retention keeps the points of
-- the instance made before point_created_at.
CREATE TABLE change_alerts (
    id               TEXT PRIMARY KEY,
    instance_id      TEXT NOT NULL REFERENCES instances (id),
    point_id         TEXT NOT NULL,
    point_created_at BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    measured         DOUBLE PRECISION NOT NULL,
    baseline         DOUBLE PRECISION NOT NULL,
    raised_at        BIGINT NOT NULL,
    job_id           TEXT,
    acknowledged_at  BIGINT,
    acknowledged_by  TEXT,
    note             TEXT
);
CREATE INDEX change_alerts_by_instance ON change_alerts (instance_id, acknowledged_at);
