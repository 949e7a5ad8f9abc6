-- Coffer catalog, version 3: consistency groups and their group points (docs/design/consistency-groups.md).
-- Same conventions as V1: BIGINT epoch milliseconds, TEXT ids.

-- A consistency group: instances of one host backed up, restored and cloned at one instant.
-- ("groups" is avoided as a name: it is a keyword in SQLite and PostgreSQL window frames.)
CREATE TABLE instance_groups (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    host_id    TEXT NOT NULL REFERENCES hosts (id),
    created_at BIGINT NOT NULL
);

-- Its members, in the order given (the order of the group's steps and listings).
CREATE TABLE instance_group_members (
    group_id    TEXT NOT NULL REFERENCES instance_groups (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    instance_id TEXT NOT NULL REFERENCES instances (id),
    PRIMARY KEY (group_id, instance_id)
);
CREATE INDEX instance_group_members_by_instance ON instance_group_members (instance_id);

-- A group point: the member points one group backup took at one instant; id = the group.id attribute every
-- member point carries in the vault. group_id/group_name are kept when the group is deleted (the points stay).
-- freeze_millis is NULL in crash mode.
CREATE TABLE group_points (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL,
    group_name    TEXT NOT NULL,
    vault         TEXT NOT NULL,
    instant       BIGINT NOT NULL,
    mode          TEXT NOT NULL,
    pause_millis  BIGINT NOT NULL,
    freeze_millis BIGINT,
    job_id        TEXT
);
CREATE INDEX group_points_by_group ON group_points (group_id, instant);

-- Its member points. No foreign key to points: a member point deleted later leaves the group point
-- incomplete (shown as such), not silently smaller.
CREATE TABLE group_point_members (
    group_point_id TEXT NOT NULL REFERENCES group_points (id) ON DELETE CASCADE,
    ordinal        INTEGER NOT NULL,
    instance_id    TEXT NOT NULL,
    point_id       TEXT NOT NULL,
    PRIMARY KEY (group_point_id, point_id)
);
