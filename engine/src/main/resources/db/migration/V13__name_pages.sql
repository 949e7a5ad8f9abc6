-- Lists of named things page by name (docs/api.md "Lists", docs/design/catalog.md): instances, plans, policies,
-- groups and tokens are read one page at a time in the order (name, id) after a NameCursor (keyset paging), as the
-- points and jobs are read newest first (V11). Each index serves that order, so a page reads its rows and no more;
-- plans, policies and groups have unique names (their UNIQUE index serves the order).
DROP INDEX instances_by_name;
CREATE INDEX instances_by_name ON instances (name, id);
CREATE INDEX tokens_by_name ON tokens (name, id);
CREATE INDEX plans_by_policy_name ON plans (policy_id, name);
