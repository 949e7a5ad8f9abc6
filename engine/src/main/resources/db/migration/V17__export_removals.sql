-- Coffer catalog, version 17: exports removed before their expiry (docs/design/live-access.md). Additive only. Same
-- conventions as V1: BIGINT epoch milliseconds, TEXT ids. (Versions 12-16 are left to other branches.)

-- Export `id` (its job's id) was removed on request at removed_at: its archive deleted, or its job cancelled while it
-- ran. The export record then reads `deleted` (or `cancelled`) and is never downloadable again. note: who asked.
CREATE TABLE export_removals (
    id         TEXT PRIMARY KEY,
    removed_at BIGINT NOT NULL,
    note       TEXT
);
