-- Idempotent agent claims (docs/design/agents.md "Claims"): the id an agent chose for the claim that took the job (a
-- UUID sent with ClaimAgentJob). A claim sent again with the same id (its answer was lost with the connection or the
-- server) answers the job it took instead of taking another. NULL: claimed by a server's worker, or before V22.
ALTER TABLE jobs ADD COLUMN agent_claim TEXT;
CREATE INDEX jobs_agent_claim ON jobs (agent_claim);
