package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.JobType;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.JobList;
import coffer.engine.operation.JobView;
import coffer.engine.operation.ListJobs;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.ShowJob;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two of the rough edges of session 19's walk through the README (docs/reliability.md, session 20), through a server:
 * a backup of a disk the instance lacks ({@code coffer backup web --disks vdx}) was taken and failed only when the job
 * ran; it is refused at the request, {@code InvalidArgument} naming the disk and the instance's disks, and nothing is
 * queued. And a backup job's row named its instance by UUID only: the job list and a job's view now carry the
 * instance's name from the catalog ({@code instanceName}), and no name for a target that is no instance.
 */
class BackupRequestDisksTest extends CatalogKindFixture {
    private static final String WEB = "5b0e64d2-4c1e-4b8e-9a51-0c1120000001";
    private static final String POINT = "20260101-000000-cccccccc";

    private HostedOperations operations() throws Exception {
        Clock clock = Clock.systemUTC();
        open("sqlite", clock);
        HostedOperations operations = LocalOperations.on(catalog, dir, clock);
        catalog.instances().refresh("local", List.of(new Instance(WEB, "local", "web", "running",
                List.of(disk("vda"), disk("vdb")), Instant.now(), false)));
        return operations;
    }

    private static InstanceDisk disk(String target) {
        return new InstanceDisk(target, "disk", "qcow2", "/var/lib/libvirt/images/web-" + target + ".qcow2", 1L << 30,
                1L << 20, null);
    }

    private static BackupInstance backupOf(String instance, List<String> disks) {
        return new BackupInstance(instance, null, disks, null, null, false, null, null, null);
    }

    @Test
    void aDiskTheInstanceLacksIsRefusedAtTheRequestNamingTheInstancesDisks() throws Exception {
        HostedOperations operations = operations();

        CofferException e = assertThrows(CofferException.class, () -> operations.start(backupOf("web", List.of("vda", "vdx"))));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertEquals(2, e.code().exitCode());
        assertTrue(e.getMessage().contains("instance 'web' has no disk 'vdx' (it has vda, vdb"), e.getMessage());
        assertTrue(catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).isEmpty(), "nothing queued");

        JobView taken = operations.start(backupOf(WEB, List.of("vdb"))).job().orElseThrow();
        assertEquals(JobType.backup, taken.type());
        assertEquals(List.of("vdb"), CofferJson.read(taken.params(), BackupInstance.class).disks());
    }

    @Test
    void theJobListAndAJobNameTheInstanceABackupIsFor() throws Exception {
        HostedOperations operations = operations();
        catalog.points().upsert(new PointRecord(POINT, "default", WEB, "web", Instant.now().minusSeconds(60),
                "available", "CRASH", 2000, 400, null, null, List.of(new PointRecord.PointDisk("vda", 1000, 200))));
        JobView backup = operations.start(BackupInstance.of("web")).job().orElseThrow();
        JobView restore = operations.start(new RestoreDisk(POINT, "vda", dir.resolve("restores/vda.qcow2").toString(),
                null, false, false)).job().orElseThrow();
        assertEquals("web", backup.instanceName(), "the submission's answer");
        assertNull(restore.instanceName(), "a point's job has no instance name");

        JobList list = operations.call(new ListJobs(null, null, null, null));
        JobView row = list.jobs().stream().filter(j -> j.id().equals(backup.id())).findFirst().orElseThrow();
        assertEquals(WEB, row.target());
        assertEquals("web", row.instanceName());
        assertNull(list.jobs().stream().filter(j -> j.id().equals(restore.id())).findFirst().orElseThrow().instanceName());
        assertEquals("web", CofferJson.MAPPER.valueToTree(list).get("jobs").get(
                list.jobs().indexOf(row)).get("instanceName").asText(), "the API's row");
        assertEquals("web", operations.<JobView>call(new ShowJob(backup.id())).instanceName());
    }
}
