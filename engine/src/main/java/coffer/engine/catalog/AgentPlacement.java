package coffer.engine.catalog;

import coffer.engine.job.JobType;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.CloneGroup;
import coffer.engine.operation.CloneInstance;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.RestoreInstant;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.operation.BackupInstance;
import com.fasterxml.jackson.core.type.TypeReference;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Whether a job of a type an agent runs is its host's agent's (docs/design/agents.md, "Which jobs an agent runs"), kept
 * in {@code jobs.on_agent} (catalog V19): {@link #ON_AGENT} for a job of a type placed per job
 * ({@link JobType#placedPerJob}) the agent runs: a replication when the host's agent announced both its vaults, the
 * point's and the destination; a clone within its vault's region (no other region named) into a vault the agent
 * announced; a group's backup, clone or restore when the agent announced its vault and every member is an instance of
 * the host (a group whose members are on other hosts stays a server's); a restore drill when the agent announced the
 * vault of the instance's newest point; a mount or an instant restore when the agent announced the point's vault.
 * {@link #ON_SERVER} for a backup or restore ({@link JobType#onAgent}) whose vault the agent did not announce (it
 * announces only the vaults it can open, {@code coffer.engine.agent.ReachableVaults}): a server runs it. A backup naming
 * no vault (a plan's run of a protection with no vault) is judged by the vault the agent uses for it, the default vault
 * it announced ({@code hosts.agent_default_vault}, V24); one on a host whose agent announced no vaults yet, or naming no
 * vault where the agent did not say its default, stays the agent's.
 * Decided when the job is queued, and again for the host's queued jobs when its agent announces other vaults. A host
 * no agent serves keeps the flag but its jobs are the servers' anyway (the claims look at {@code hosts.agent} too).
 * Stateless.
 */
final class AgentPlacement {
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };
    /** {@code on_agent}: a job of a type placed per job that the host's agent runs. */
    static final int ON_AGENT = 1;
    /** {@code on_agent}: a backup or restore the host's agent cannot run (it does not reach the vault): a server's. */
    static final int ON_SERVER = -1;
    /** {@code on_agent}: as the job's type says (a backup or restore: the agent's; another type: a server's). */
    static final int BY_TYPE = 0;

    private AgentPlacement() {
    }

    /** The {@code on_agent} value of {@code operation} queued on {@code hostId}, on the rows as {@code s} sees them. */
    static int placement(Sql.Session s, JobOperation<?> operation, String hostId) throws SQLException {
        return placement(s, operation, hostId, operation.type().onAgent() ? announcedVaults(s, hostId) : Optional.empty());
    }

    /**
     * {@link #placement(Sql.Session, JobOperation, String)} with the vaults the host's agent announced already read
     * ({@code announced}; used for the types agents run, {@link JobType#onAgent}).
     */
    private static int placement(Sql.Session s, JobOperation<?> operation, String hostId,
                                 Optional<List<String>> announced) throws SQLException {
        if (operation.type().onAgent()) {
            if (announced.isEmpty()) {
                return BY_TYPE;
            }
            Optional<String> vault = switch (operation) {
                case BackupInstance b -> b.vault() != null ? Optional.of(b.vault()) : agentDefaultVault(s, hostId);
                case RestoreDisk r -> pointVault(s, r.point());
                case RestoreInstance r -> pointVault(s, r.point());
                default -> Optional.empty();
            };
            return vault.isPresent() && !announced.get().contains(vault.get()) ? ON_SERVER : BY_TYPE;
        }
        return onAgent(s, operation, hostId) ? ON_AGENT : BY_TYPE;
    }

    private static Optional<String> pointVault(Sql.Session s, String point) throws SQLException {
        return s.one("SELECT vault FROM points WHERE id = ?", row -> row.getString("vault"), point);
    }

    /** The vault the host's agent uses for a job naming none, as it announced it (empty: not said). */
    private static Optional<String> agentDefaultVault(Sql.Session s, String hostId) throws SQLException {
        return s.one("SELECT agent_default_vault FROM hosts WHERE id = ? AND agent_default_vault IS NOT NULL",
                row -> row.getString("agent_default_vault"), hostId);
    }

    /** Decides for jobs just inserted without a placement (a scheduler's batch of runs), in the insert's transaction. */
    static void placeInserted(Sql.Session s, List<coffer.engine.job.Job> inserted) throws SQLException {
        List<String> hosts = inserted.stream().filter(job -> job.type().agentMayRun()).map(coffer.engine.job.Job::hostId)
                .distinct().toList();
        // the announcing hosts of the whole batch in one statement (one per host was one statement per scheduled run,
        // docs/performance.md "Scheduler"); a host that announced none leaves its jobs as their type says
        java.util.Map<String, List<String>> announcing = new java.util.HashMap<>();
        for (int from = 0; from < hosts.size(); from += HOSTS_PER_READ) {
            Where where = new Where().in("id", hosts.subList(from, Math.min(hosts.size(), from + HOSTS_PER_READ)))
                    .and(new Where.Condition("agent_vaults IS NOT NULL"));
            for (String[] host : s.query("SELECT id, agent_vaults FROM hosts" + where.clause(),
                    row -> new String[]{row.getString("id"), row.getString("agent_vaults")}, where.args())) {
                announcing.put(host[0], names(host[0], host[1]));
            }
        }
        for (coffer.engine.job.Job job : inserted) {
            List<String> announced = announcing.get(job.hostId());
            if (announced != null && job.type().agentMayRun()) {
                int placement = placement(s, job.operation(), job.hostId(), Optional.of(announced));
                if (placement != BY_TYPE) {
                    s.update("UPDATE jobs SET on_agent = ? WHERE id = ?", placement, job.id());
                }
            }
        }
    }

    /** Hosts whose announced vaults {@link #placeInserted} reads in one statement. */
    private static final int HOSTS_PER_READ = 500;

    /** Whether the host's agent runs {@code operation} of a type placed per job, on the rows as {@code s} sees them. */
    private static boolean onAgent(Sql.Session s, JobOperation<?> operation, String hostId) throws SQLException {
        if (!operation.type().placedPerJob()) {
            return false;
        }
        List<String> reached = agentVaults(s, hostId);
        return switch (operation) {
            case ReplicatePoint r -> r.vault() != null && reached.contains(r.vault()) && pointIn(s, r.point(), reached);
            case CloneInstance c -> c.region() == null && c.vault() != null && reached.contains(c.vault());
            case BackupGroup b -> b.vault() != null && reached.contains(b.vault()) && membersOn(s, b.group(), hostId);
            case CloneGroup c -> c.vault() != null && reached.contains(c.vault()) && membersOn(s, c.group(), hostId);
            case RestoreGroup r -> s.one("SELECT vault FROM group_points WHERE id = ?", row -> row.getString("vault"),
                    r.groupPoint()).map(reached::contains).orElse(false)
                    && s.count("SELECT COUNT(*) FROM group_point_members m LEFT JOIN instances i ON i.id = m.instance_id"
                    + " WHERE m.group_point_id = ? AND (i.host_id IS NULL OR i.host_id <> ?)", r.groupPoint(), hostId) == 0;
            case DrillInstance d -> s.one("SELECT vault FROM points WHERE instance_id = ? ORDER BY created_at DESC, id DESC"
                    + " LIMIT 1", row -> row.getString("vault"), d.instance()).map(reached::contains).orElse(false);
            case MountDisk m -> pointIn(s, m.point(), reached);
            case RestoreInstant r -> pointIn(s, r.point(), reached);
            default -> false;
        };
    }

    /** The point is in one of the {@code reached} vaults (a point not in the catalog is not). */
    private static boolean pointIn(Sql.Session s, String pointId, List<String> reached) throws SQLException {
        return s.one("SELECT vault FROM points WHERE id = ?", row -> row.getString("vault"), pointId).map(reached::contains)
                .orElse(false);
    }

    /** Every member of the group is an instance of {@code hostId} (a group of no members is not). */
    private static boolean membersOn(Sql.Session s, String groupId, String hostId) throws SQLException {
        return s.count("SELECT COUNT(*) FROM instance_group_members WHERE group_id = ?", groupId) > 0
                && s.count("SELECT COUNT(*) FROM instance_group_members m LEFT JOIN instances i ON i.id = m.instance_id"
                + " WHERE m.group_id = ? AND (i.host_id IS NULL OR i.host_id <> ?)", groupId, hostId) == 0;
    }

    /** The vaults the host's agent announced (none: no agent, or one that named none). */
    static List<String> agentVaults(Sql.Session s, String hostId) throws SQLException {
        return announcedVaults(s, hostId).orElse(List.of());
    }

    /** The vaults the host's agent announced; empty when none announced any list (no agent). */
    private static Optional<List<String>> announcedVaults(Sql.Session s, String hostId) throws SQLException {
        List<String> texts = s.query("SELECT agent_vaults FROM hosts WHERE id = ? AND agent_vaults IS NOT NULL",
                row -> row.getString("agent_vaults"), hostId);
        if (texts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(names(hostId, texts.getFirst()));
    }

    /** The vault names of a host's {@code agent_vaults} column (a JSON list). */
    private static List<String> names(String hostId, String agentVaults) throws SQLException {
        try {
            return Sql.JSON.readValue(agentVaults, NAMES);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("hosts.agent_vaults of host " + hostId + " holds no list of names: " + e.getMessage(), e);
        }
    }

    /**
     * Decides again for the host's queued jobs of the types agents run (its agent announced other vaults: a vault
     * mounted since, or one it no longer opens, whose queued jobs go back to the servers).
     */
    static void replaceQueued(Sql.Session s, String hostId) throws SQLException {
        List<String> types = java.util.Arrays.stream(JobType.values()).filter(JobType::agentMayRun).map(Enum::name).toList();
        if (types.isEmpty()) {
            return;
        }
        List<coffer.engine.job.Job> queued = s.query(SqlJobs.COLUMNS + " WHERE host_id = ? AND state = 'queued' AND type IN ("
                + String.join(", ", java.util.Collections.nCopies(types.size(), "?")) + ")", SqlJobs::row,
                concat(hostId, types));
        for (coffer.engine.job.Job job : queued) {
            s.update("UPDATE jobs SET on_agent = ? WHERE id = ? AND state = 'queued'",
                    placement(s, job.operation(), hostId), job.id());
        }
    }

    private static Object[] concat(String first, List<String> rest) {
        Object[] all = new Object[rest.size() + 1];
        all[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            all[i + 1] = rest.get(i);
        }
        return all;
    }
}
