-- The vault a host's agent uses for a job naming none (its configuration's default vault, as it announced it; NULL: not
-- said, an agent before V24): a backup naming no vault (a plan's run of a protection with no vault) is judged by it, so
-- it goes to the servers when the agent does not announce that vault (docs/design/agents.md, "Which jobs an agent runs").
ALTER TABLE hosts ADD COLUMN agent_default_vault TEXT;
