-- The host an agent token acts for (docs/design/agents.md, "Tokens bound to a host"): named when the token is made
-- (`coffer token create NAME --role agent --host HOST`) or taken at its first agent request (trust on first use; tokens
-- made before V26 have none and bind so). Every agent request of the token must be for that host. One live token per
-- host: the index holds live tokens only, so revoking a token ends its binding and frees its host for a new token.
ALTER TABLE tokens ADD COLUMN host TEXT;
CREATE UNIQUE INDEX tokens_live_host ON tokens (host) WHERE revoked_at IS NULL;
