-- Agents run more than backups and restores (docs/design/agents.md, "Which jobs an agent runs"): the vaults a host's
-- agent can reach (its configuration's vaults, as it announced them: a JSON array of names; NULL: none announced), and
-- per job whether that host's agent runs it (decided when the job is queued, again when the agent announces other
-- vaults). The servers' in-process workers leave such a job to the agent.
ALTER TABLE hosts ADD COLUMN agent_vaults TEXT;
ALTER TABLE jobs ADD COLUMN on_agent INTEGER NOT NULL DEFAULT 0;
