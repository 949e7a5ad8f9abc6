package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.JobType;
import coffer.engine.operation.RestoreDisk;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server's restore of a disk the point does not have is refused at the request with {@code DiskNotInPoint} (exit 4,
 * naming the point's disks), as offline and as a mount or an export: it said {@code InvalidArgument} (session 19's
 * walk). Nothing is queued.
 */
class RestoreDiskRequestTest extends CatalogKindFixture {
    private static final String POINT = "20260101-000000-bbbbbbbb";

    @Test
    void aDiskThePointDoesNotHaveIsDiskNotInPointAndQueuesNothing() throws Exception {
        Clock clock = Clock.systemUTC();
        open("sqlite", clock);
        HostedOperations operations = LocalOperations.on(catalog, dir, clock);
        catalog.instances().refresh("local", List.of(
                new Instance("u-web", "local", "web", "running", List.of(), Instant.now(), false)));
        catalog.points().upsert(new PointRecord(POINT, "default", "u-web", "web", Instant.now().minusSeconds(60),
                "available", "CRASH", 2000, 400, null, null, List.of(new PointRecord.PointDisk("vda", 1000, 200),
                new PointRecord.PointDisk("vdb", 1000, 200))));

        CofferException e = assertThrows(CofferException.class, () -> operations.start(
                new RestoreDisk(POINT, "vdz", dir.resolve("restores/vdz.qcow2").toString(), null, false, false)));
        assertEquals(ErrorCode.DiskNotInPoint, e.code());
        assertEquals(4, e.code().exitCode());
        assertTrue(e.getMessage().contains("has no disk 'vdz' (it has vda, vdb)"), e.getMessage());
        assertTrue(catalog.jobs().list(coffer.engine.job.Jobs.Filter.ALL).stream().noneMatch(j -> j.type() == JobType.restore_disk),
                "nothing queued");
    }
}
