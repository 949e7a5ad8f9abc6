-- Coffer catalog, version 15: the region of a job and of a protection are written, not derived (docs/design/replication.md,
-- "Regions in lists"). A host's region is the configuration's hosts[].region, written at each start; a job's region is
-- its host's, written when it is queued (and rewritten for a host's jobs when its region changes); a protection's is
-- its vault's, written when it is made (and rewritten at start for every configured vault). Rows written before keep
-- 'local' until the first start of a server with this version, which places them.
ALTER TABLE hosts ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
CREATE INDEX jobs_by_region ON jobs (region, created_at, id);
CREATE INDEX protections_by_vault ON protections (vault);
