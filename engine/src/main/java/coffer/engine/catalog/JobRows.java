package coffer.engine.catalog;

import coffer.engine.json.CofferJson;
import coffer.engine.operation.PolicyDocument;

import java.util.List;

/**
 * The catalog rows one job's handler reads, sent by the server with the job to the {@code coffer agent} that claimed
 * it and written into the agent's working catalog before the handler runs (docs/design/agents.md): the job's host, the
 * instances it names, the policy of a plan's run or a policy's replication, the points it reads, the status of the
 * replication it runs, the change samples of the instance it backs up (the baseline its change is judged against, by
 * the same code as a server's backup: docs/design/assurance.md), the consistency group and group point it works on. The handler then finds them as it would on the
 * server; the points it writes go back with the job's end ({@link #writtenBy}). Immutable.
 */
public record JobRows(Host host, List<Instance> instances, List<PolicyRow> policies, List<PointRecord> points,
                      List<ReplicationRecord> replications, List<ChangeSample> samples, List<InstanceGroup> groups,
                      List<GroupPointRecord> groupPoints) {
    /** A policy as its row holds it (the document, as the API shows it). */
    public record PolicyRow(String id, PolicyDocument document, java.time.Instant createdAt, java.time.Instant updatedAt,
                            String region) {
        public static PolicyRow of(StoredPolicy policy) {
            return new PolicyRow(policy.id(), PolicyDocument.of(policy.policy()), policy.createdAt(), policy.updatedAt(),
                    policy.region());
        }
    }

    public JobRows {
        instances = List.copyOf(instances);
        policies = List.copyOf(policies);
        points = List.copyOf(points);
        replications = replications == null ? List.of() : List.copyOf(replications);
        samples = samples == null ? List.of() : List.copyOf(samples);
        groups = groups == null ? List.of() : List.copyOf(groups);
        groupPoints = groupPoints == null ? List.of() : List.copyOf(groupPoints);
    }

    /**
     * Writes the rows into {@code working} (an agent's own catalog), replacing rows of the same ids. The host must
     * already be there (the agent adds its one host when it starts).
     */
    public void copyInto(Catalog working) {
        working.sql().transaction(s -> {
            for (Instance instance : instances) {
                SqlInstances.write(s, instance.hostId(), instance);
            }
            for (PolicyRow policy : policies) {
                s.update("DELETE FROM policies WHERE id = ? OR name = ?", policy.id(), policy.document().name());
                s.update("INSERT INTO policies (id, name, document, created_at, updated_at, region) VALUES (?, ?, ?, ?, ?, ?)",
                        policy.id(), policy.document().name(), CofferJson.tree(policy.document()), policy.createdAt(),
                        policy.updatedAt(), policy.region());
            }
            return null;
        });
        points.forEach(working.points()::upsert);
        working.sql().transaction(s -> {
            for (ReplicationRecord r : replications) { // a replication's status as the server had it when it was claimed
                s.update("DELETE FROM point_replications WHERE point_id = ? AND region = ? AND vault = ?", r.pointId(),
                        r.region(), r.vault());
                s.update("INSERT INTO point_replications (point_id, region, vault, state, replica_id, attempts,"
                                + " next_attempt_at, error_code, error_message, job_id, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.pointId(), r.region(), r.vault(), r.state(),
                        r.replicaId(), r.attempts(), r.nextAttemptAt(), r.errorCode(), r.errorMessage(), r.jobId(),
                        r.updatedAt());
            }
            return null;
        });
        samples.forEach(working.changeAlerts()::recordSample);
        working.sql().transaction(s -> {
            for (InstanceGroup group : groups) { // a consistency group and its members, as the server has them
                s.update("DELETE FROM instance_group_members WHERE group_id IN (SELECT id FROM instance_groups WHERE id = ?"
                        + " OR name = ?)", group.id(), group.name());
                s.update("DELETE FROM instance_groups WHERE id = ? OR name = ?", group.id(), group.name());
                s.update("INSERT INTO instance_groups (id, name, host_id, created_at) VALUES (?, ?, ?, ?)", group.id(),
                        group.name(), group.hostId(), group.createdAt());
                for (int i = 0; i < group.instanceIds().size(); i++) {
                    s.update("INSERT INTO instance_group_members (group_id, ordinal, instance_id) VALUES (?, ?, ?)",
                            group.id(), i, group.instanceIds().get(i));
                }
            }
            for (GroupPointRecord point : groupPoints) {
                s.update("DELETE FROM group_point_members WHERE group_point_id = ?", point.id());
                s.update("DELETE FROM group_points WHERE id = ?", point.id());
            }
            return null;
        });
        groupPoints.forEach(working.groups()::recordPoint);
    }

    /** The restore drills the job {@code jobId} recorded in {@code working}. */
    public static List<DrillRun> drillRunsBy(Catalog working, String jobId) {
        return working.sql().query(SqlDrillRuns.COLUMNS + " WHERE job_id = ?", SqlDrillRuns::row, jobId);
    }

    /** The group points the job {@code jobId} recorded in {@code working}. */
    public static List<GroupPointRecord> groupPointsBy(Catalog working, String jobId) {
        return working.sql().query("SELECT id FROM group_points WHERE job_id = ?", r -> r.getString("id"), jobId).stream()
                .map(id -> working.groups().findPoint(id).orElseThrow()).toList();
    }

    /** The change samples recorded in {@code working} for the points the job {@code jobId} wrote there. */
    public static List<ChangeSample> samplesBy(Catalog working, String jobId) {
        return working.sql().query("SELECT s.point_id, s.instance_id, s.taken_at, s.changed_bytes, s.new_bytes,"
                + " s.new_stored_bytes FROM change_samples s JOIN points p ON p.id = s.point_id WHERE p.job_id = ?",
                r -> new ChangeSample(r.getString("point_id"), r.getString("instance_id"), Sql.instant(r, "taken_at"),
                        r.getLong("changed_bytes"), r.getLong("new_bytes"), r.getLong("new_stored_bytes")), jobId);
    }

    /** The change alerts the job {@code jobId} raised in {@code working}. */
    public static List<ChangeAlert> alertsBy(Catalog working, String jobId) {
        return working.sql().query(SqlChangeAlerts.ALERTS + " WHERE job_id = ?", SqlChangeAlerts::alert, jobId);
    }

    /** The replications the job {@code jobId} ran in {@code working} (their end, to be recorded by the server). */
    public static List<ReplicationRecord> replicationsBy(Catalog working, String jobId) {
        return working.sql().query(SqlReplications.COLUMNS + " WHERE job_id = ?", SqlReplications::row, jobId);
    }

    /** The points the job {@code jobId} wrote into {@code working}, to be indexed by the server. */
    public static List<PointRecord> writtenBy(Catalog working, String jobId) {
        return working.points().listAll().stream().filter(p -> jobId.equals(p.jobId())).toList();
    }
}
