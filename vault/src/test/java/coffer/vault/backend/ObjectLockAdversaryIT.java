package coffer.vault.backend;

import coffer.testing.TestData;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.Verifier;
import coffer.vault.read.DiskRestorer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Someone with the bucket's credentials but not the vault's key against an immutable point in a bucket with Object
 * Lock (COMPLIANCE), on moto's emulator as {@link ObjectLockEmulatorIT} (docs/design/security.md, "Immutability
 * against this adversary"): they cannot remove the retained versions, but a delete marker or a newer version hides
 * them. Coffer reads only current versions: the point reads as lost (marker) or damaged (garbage on top), verify reports
 * it, gc keeps its chunks, and once the marker or the newer version is removed the point restores bit for bit.
 */
class ObjectLockAdversaryIT {
    @TempDir
    Path dir;

    private final ObjectLockEmulatorIT emulator = new ObjectLockEmulatorIT();

    @AfterEach
    void stop() throws InterruptedException {
        emulator.stop();
    }

    @Test
    void aRetainedPointHiddenByADeleteMarkerOrANewerVersionIsReportedKeptAndComesBack() throws Exception {
        emulator.dir = dir;
        URI endpoint = emulator.startMoto();
        try (S3Client admin = ObjectLockEmulatorIT.admin(endpoint); S3Backend backend = ObjectLockEmulatorIT.backend(endpoint)) {
            String bucket = ObjectLockEmulatorIT.BUCKET;
            admin.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
            Vault vault = Vault.create(backend, 256 * 1024, new LocalKeyRing(dir.resolve("keyring.json")));
            Instant until = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
            byte[] disk = TestData.random(2105, 3 * 256 * 1024 + 9);
            PointManifest held = ObjectLockEmulatorIT.point(vault, disk, until);
            String key = "vault/" + Vault.manifestName(held.id());
            int chunks = backend.list("chunks/").size();

            // a plain delete with the bucket's credentials: allowed, it only adds a delete marker
            admin.deleteObject(b -> b.bucket(bucket).key(key));
            PointListing listing = vault.listPoints();
            assertEquals(List.of(held.id()), listing.lost().stream().map(PointListing.Lost::pointId).toList());
            assertEquals(List.of(held.id()), Verifier.wholePoints(listing).stream().map(d -> d.pointId()).toList());
            new GarbageCollector(vault).collect(Duration.ZERO, Duration.ZERO);
            assertEquals(chunks, backend.list("chunks/").size(), "gc keeps the lost point's chunks");
            List<DeleteMarkerEntry> markers = admin.listObjectVersions(b -> b.bucket(bucket).prefix(key)).deleteMarkers();
            assertEquals(1, markers.size());
            S3Exception refused = assertThrows(S3Exception.class, () -> admin.deleteObject(b -> b.bucket(bucket).key(key)
                    .versionId(admin.listObjectVersions(v -> v.bucket(bucket).prefix(key)).versions().getFirst().versionId())));
            assertEquals(403, refused.statusCode(), "the retained version stays");
            admin.deleteObject(b -> b.bucket(bucket).key(key).versionId(markers.getFirst().versionId()));
            assertArrayEquals(disk, restore(vault, held.id()), "the marker removed, the point is back");

            // garbage written over it: a newer version, the retained one under it
            admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("not a manifest"));
            listing = vault.listPoints();
            assertEquals(List.of(held.id()), listing.unreadable().stream().map(PointListing.Unreadable::pointId).toList());
            List<ObjectVersion> versions = admin.listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions();
            assertEquals(2, versions.size(), versions.toString());
            ObjectVersion garbage = versions.stream().filter(ObjectVersion::isLatest).findFirst().orElseThrow();
            admin.deleteObject(b -> b.bucket(bucket).key(key).versionId(garbage.versionId()));
            assertArrayEquals(disk, restore(vault, held.id()), "the newer version removed, the retained one reads");
            assertTrue(vault.listPoints().whole());
        }
    }

    private static byte[] restore(Vault vault, String id) throws Exception {
        PointManifest point = vault.point(id);
        coffer.testing.ByteArrayBlockSink sink = new coffer.testing.ByteArrayBlockSink((int) point.disk("vda").size());
        new DiskRestorer(vault, 2).restore(point, point.disk("vda"), sink, false, coffer.vault.io.Progress.NONE);
        return sink.bytes();
    }
}
