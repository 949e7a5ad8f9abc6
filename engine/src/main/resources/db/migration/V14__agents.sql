-- Agents (docs/design/agents.md): a host served by a `coffer agent` names that agent's worker id and when it last
-- announced itself or heart-beat. The jobs an agent runs (JobType.onAgent) on such a host are claimed by that
-- agent only; the servers' in-process workers leave them (SqlJobs.claimNext). NULL: the servers work the host.
ALTER TABLE hosts ADD COLUMN agent TEXT;
ALTER TABLE hosts ADD COLUMN agent_seen_at BIGINT;
