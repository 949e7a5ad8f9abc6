-- Coffer catalog, version 1 (docs/design/catalog.md). One script for SQLite and PostgreSQL: times are
-- BIGINT epoch milliseconds, flags INTEGER 0/1, lists and job parameters JSON in TEXT; ${identity} is the
-- dialect's auto-increment primary key (the only difference, filled in by Catalog).

CREATE TABLE hosts (
    id       TEXT PRIMARY KEY,
    uri      TEXT NOT NULL UNIQUE,
    added_at BIGINT NOT NULL,
    -- bumped by every claim on the host: the row lock serializes claims, so the per-host limit holds
    claims   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    host_id      TEXT NOT NULL REFERENCES hosts (id),
    name         TEXT NOT NULL,
    state        TEXT NOT NULL,
    refreshed_at BIGINT NOT NULL,
    gone         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX instances_by_host ON instances (host_id);
CREATE INDEX instances_by_name ON instances (name);

CREATE TABLE instance_disks (
    instance_id        TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    ordinal            INTEGER NOT NULL,
    target             TEXT NOT NULL,
    device             TEXT,
    format             TEXT,
    source             TEXT,
    virtual_size       BIGINT NOT NULL,
    allocated_size     BIGINT NOT NULL,
    unsupported_reason TEXT,
    PRIMARY KEY (instance_id, target)
);

CREATE TABLE protections (
    instance_id TEXT PRIMARY KEY REFERENCES instances (id),
    all_disks   INTEGER NOT NULL,
    disks       TEXT NOT NULL,
    vault       TEXT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE points (
    id            TEXT PRIMARY KEY,
    vault         TEXT NOT NULL,
    instance_id   TEXT NOT NULL REFERENCES instances (id),
    instance_name TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    status        TEXT NOT NULL,
    consistency   TEXT NOT NULL,
    logical_bytes BIGINT NOT NULL,
    stored_bytes  BIGINT NOT NULL,
    expires_at    BIGINT,
    job_id        TEXT
);
CREATE INDEX points_by_instance ON points (instance_id, created_at);
CREATE INDEX points_by_vault ON points (vault);

CREATE TABLE point_disks (
    point_id      TEXT NOT NULL REFERENCES points (id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL,
    target        TEXT NOT NULL,
    logical_bytes BIGINT NOT NULL,
    stored_bytes  BIGINT NOT NULL,
    PRIMARY KEY (point_id, target)
);

CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    target           TEXT NOT NULL,
    host_id          TEXT NOT NULL REFERENCES hosts (id),
    state            TEXT NOT NULL,
    params           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    heartbeat_at     BIGINT,
    worker           TEXT,
    bytes_done       BIGINT NOT NULL DEFAULT 0,
    bytes_total      BIGINT NOT NULL DEFAULT 0,
    bytes_per_second BIGINT NOT NULL DEFAULT -1,
    eta_seconds      BIGINT NOT NULL DEFAULT -1,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    result           TEXT,
    error_code       TEXT,
    error_message    TEXT
);
CREATE INDEX jobs_by_state ON jobs (state, created_at);
CREATE INDEX jobs_by_target ON jobs (target);

CREATE TABLE job_log (
    sequence  ${identity},
    job_id    TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    logged_at BIGINT NOT NULL,
    level     TEXT NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX job_log_by_job ON job_log (job_id, sequence);

CREATE TABLE tokens (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
