-- Coffer catalog, version 9: mounts (docs/design/live-access.md). Additive only. Same conventions as V1: BIGINT epoch
-- milliseconds, TEXT ids. (Version 8 is left to another branch.)

-- A point's disk mounted into a running instance by the mount job `id` (the job's id is the mount's id). target: the
-- guest device it got (NULL until attached). socket: the NBD server's Unix socket the instance reads. expires_at: when
-- the mount job detaches it by itself. ended_at NULL while active; end_reason: EXPIRED, UNMOUNTED, SERVER_STOPPED,
-- INSTANCE_STOPPED, FAILED or STALE (its server died and a later start detached it), with the detail in note.
CREATE TABLE mounts (
    id          TEXT PRIMARY KEY,
    point_id    TEXT NOT NULL,
    disk        TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    host_id     TEXT NOT NULL,
    target      TEXT,
    socket      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    end_reason  TEXT,
    note        TEXT
);
CREATE INDEX mounts_active ON mounts (ended_at, point_id);
