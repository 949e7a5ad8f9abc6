-- The identity of the agent serving a host (docs/design/agents.md, "One agent per host"): a name the agent keeps in
-- its data directory (`agent-identity`), the same across its restarts, sent with its announce. An announce of the same
-- identity takes the host at once (the agent restarted); one of another identity is refused `AgentHostTaken` while the
-- host's agent was seen within the stale limit. Null: a host no agent serves, or one served by an announce that named
-- no identity (an agent of an earlier build), which any announce takes as before.
ALTER TABLE hosts ADD COLUMN agent_identity TEXT;
