package coffer.engine.job.handler;

import coffer.engine.alert.ChangeWatch;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.group.GroupBackup;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.GroupBackupResult;
import coffer.engine.json.CofferJson;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A group backup (the job's target: the group's id): one point per member at one instant ({@link GroupBackup}),
 * each recorded as a point row, and the group point recorded with its members and windows; each member's change is
 * judged as a single backup's is ({@link ChangeJudging}). Stateless; thread-safe.
 */
final class GroupBackupHandler implements JobHandler<BackupGroup, GroupBackupResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final Path runtimeRoot;
    private final Clock clock;

    private final ChangeJudging changes;

    GroupBackupHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, Clock clock, ChangeWatch changes) {
        this.changes = new ChangeJudging(changes);
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.clock = clock;
    }

    @Override
    public GroupBackupResult run(BackupGroup backup, Job job, JobContext context) {
        String vault = vaults.nameOr(backup.vault());
        InstanceGroup group = Lookup.group(catalog, backup.group());
        List<Instance> members = Lookup.members(catalog, group);
        GroupBackup.Result result;
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("backing up group " + group.name() + " (" + members.size() + " instances) into vault " + vault
                    + (backup.appConsistent().enabled() ? ", application-consistent "
                    + CofferJson.text(backup.appConsistent()) : ""));
            result = new GroupBackup(libvirt, new InstanceBackup(libvirt, vaults.open(vault), runtimeRoot)).run(
                    new GroupBackup.Request(group.name(), members.stream().map(Instance::name).toList(),
                            backup.appConsistent(), 0, GroupBackup.DEFAULT_MAX_PAUSED,
                            BackupHandler.expiry(backup.retentionDays(), clock)), context.progress());
        }
        GroupPointRecord point = record(catalog, group, members, vault, vaults.regionOf(vault), result, job.id());
        result.warnings().forEach(context::warning);
        context.info("group point " + point.id() + " stored: paused " + point.pauseMillis() + " ms"
                + (point.freezeMillis() == null ? "" : ", frozen " + point.freezeMillis() + " ms"));
        List<String> alerts = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            alerts.addAll(changes.judge(members.get(i), result.members().get(i), job.id(), context));
        }
        return GroupBackupResult.of(result).withWarnings(alerts);
    }

    /** Each member's point row (in the vault's {@code region}) and the group point's row, from a group backup's result. */
    static GroupPointRecord record(Catalog catalog, InstanceGroup group, List<Instance> members, String vault,
                                   String region, GroupBackup.Result result, String jobId) {
        List<String> pointIds = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            var point = result.members().get(i).point();
            catalog.points().upsert(PointRecord.of(point, vault, members.get(i).id(), jobId).inRegion(region));
            pointIds.add(point.id());
        }
        GroupBackupResult described = GroupBackupResult.of(result);
        GroupPointRecord record = new GroupPointRecord(result.id(), group.id(), group.name(), vault, described.instant(),
                described.mode(), described.pauseMillis(), described.freezeMillis(), jobId,
                members.stream().map(Instance::id).toList(), pointIds);
        catalog.groups().recordPoint(record);
        return record;
    }
}
