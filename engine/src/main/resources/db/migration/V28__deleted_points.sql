-- Coffer catalog, version 28: the points Coffer deleted (docs/design/catalog.md, "Deleted points";
-- docs/design/security.md, "Rollback and replay"). Additive only. Same conventions as V1: BIGINT epoch milliseconds,
-- TEXT ids.

-- Point `id` of vault `vault` was deleted through this catalog at deleted_at (`how`: retention, or a person's delete).
-- Someone with the vault's storage can put its manifest and indexes back, bit for bit; a catalog rebuild and the
-- adoption of a lost job's point then refuse it (reported as reappeared) until an operator re-adopts it by name
-- (`coffer catalog rebuild --readopt ID`): readopted_at and readopted_note record that decision. A point deleted again
-- after a re-adoption has its row replaced.
CREATE TABLE deleted_points (
    id             TEXT PRIMARY KEY,
    vault          TEXT NOT NULL,
    deleted_at     BIGINT NOT NULL,
    how            TEXT NOT NULL,
    readopted_at   BIGINT,
    readopted_note TEXT
);

-- Point `id` of vault `vault` was held in the vault (its hold object written: docs/format/hold.md) until held_until, the
-- latest such time the catalog wrote. A hold in the vault that ends earlier was put back from before an extension, or
-- removed, by someone with the storage: the retention sweep writes it again and reports it.
CREATE TABLE point_holds (
    id         TEXT PRIMARY KEY,
    vault      TEXT NOT NULL,
    held_until BIGINT NOT NULL
);
