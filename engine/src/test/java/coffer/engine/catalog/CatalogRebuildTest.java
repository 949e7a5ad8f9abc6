package coffer.engine.catalog;

import coffer.testing.ByteArrayBlockSource;
import coffer.engine.instance.PointFacts;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.testing.S3Server;
import coffer.vault.backend.s3.S3Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vault is the truth: a deleted catalog file loses no point. */
class CatalogRebuildTest {
    @TempDir Path dir;

    private static PointManifest point(Vault vault, String name, String uuid, Instant at, long seed,
                                       PointFacts extra) throws Exception {
        return point(vault, name, uuid, at, seed, extra, "CRASH");
    }

    private static PointManifest point(Vault vault, String name, String uuid, Instant at, long seed,
                                       PointFacts extra, String consistency) throws Exception {
        byte[] vda = new byte[1 << 20];
        new SplittableRandom(seed).nextBytes(vda);
        byte[] vdb = new byte[1 << 19];
        new SplittableRandom(seed + 1).nextBytes(vdb);
        try (PointWriter writer = PointWriter.begin(vault, name, at, 2)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(vda), "qcow2", null, Progress.NONE);
            writer.writeDisk("vdb", ByteArrayBlockSource.of(vdb), "raw", null, Progress.NONE);
            PointFacts facts = uuid == null ? extra : extra.with(new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance(uuid, "qemu:///system", "running"), null, null,
                    Map.of("vda", new PointFacts.Disk("full", null, "qcow2")), null, null, null, null));
            return writer.commit(consistency, null, List.of(), facts.json());
        }
    }

    private static List<PointRecord> sorted(List<PointRecord> points) {
        List<PointRecord> copy = new ArrayList<>(points);
        copy.sort(Comparator.comparing(PointRecord::id));
        return copy.stream().map(p -> new PointRecord(p.id(), p.vault(), p.instanceId(), p.instanceName(),
                p.createdAt(), p.status(), p.consistency(), p.logicalBytes(), p.storedBytes(), p.expiresAt(), null,
                p.disks())).toList();
    }

    /** On a directory, and on a bucket of the test S3 server (created through VaultOpener as `vault init` does). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDeletedCatalogFileIsRebuiltWithTheSamePoints(boolean onS3) throws Exception {
        Vault vault;
        if (onS3) {
            S3Server server = S3Server.shared();
            vault = new VaultOpener(dir.resolve("keyring.json")).create(new VaultLocation.Bucket(
                    new S3Location(server.newBucket(), "site/vault"), server.settings()), 256 * 1024, false);
        } else {
            vault = Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024, null);
        }
        String known = UUID.randomUUID().toString();
        String released = UUID.randomUUID().toString();
        Path file = dir.resolve("catalog.db");
        List<PointRecord> before;
        try (Catalog catalog = Catalog.open(CatalogConfig.sqlite(file))) {
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(known, "local", "web", "running", List.of(),
                    Instant.now(), false), new Instance(released, "local", "old", "shutoff", List.of(), Instant.now(), false)));
            Instant t = Instant.parse("2025-03-01T10:00:00.123456Z");
            List<PointManifest> made = List.of(
                    point(vault, "web", known, t, 1, PointFacts.NONE),
                    point(vault, "web", known, t.plusSeconds(3600), 2,
                            PointFacts.expiring(t.plusSeconds(86400)), "APPLICATION"),
                    point(vault, "old", released, t.plusSeconds(7200), 3, PointFacts.NONE));
            for (PointManifest m : made) {
                catalog.points().upsert(PointRecord.of(m, "default", PointFacts.of(m).uuid(), "job-x"));
            }
            point(vault, "image.raw", null, t.plusSeconds(9000), 4, PointFacts.NONE);
            before = catalog.points().listAll();
        }
        assertEquals(3, before.size());
        assertTrue(before.stream().allMatch(p -> p.storedBytes() > 0 && p.logicalBytes() == (1 << 20) + (1 << 19)));
        Files.delete(file);
        Files.deleteIfExists(dir.resolve("catalog.db-wal"));
        Files.deleteIfExists(dir.resolve("catalog.db-shm"));

        try (Catalog catalog = Catalog.open(CatalogConfig.sqlite(file))) {
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(known, "local", "web", "running", List.of(),
                    Instant.now(), false)));
            CatalogRebuild.Counts counts = new CatalogRebuild(catalog).rebuild("default", vault);
            assertEquals(new CatalogRebuild.Counts(3, 1, 1, 0, 0, List.of(), List.of(), List.of()), counts);
            assertEquals(sorted(before), sorted(catalog.points().listAll()), "ids, times, sizes, expiry, consistency");
            assertFalse(catalog.instances().find(known).orElseThrow().gone());
            Instance old = catalog.instances().find(released).orElseThrow();
            assertTrue(old.gone(), "rebuilt from its manifest, marked gone until discovery finds it");
            assertEquals("old", old.name());
            assertEquals("local", old.hostId(), "host found by the recorded URI");
            assertEquals(List.of("vda", "vdb"), old.disks().stream().map(InstanceDisk::target).toList());

            assertEquals(new CatalogRebuild.Counts(3, 0, 1, 0, 0, List.of(), List.of(), List.of()), new CatalogRebuild(catalog).rebuild("default", vault),
                    "rebuilding again changes nothing");
            assertEquals(sorted(before), sorted(catalog.points().listAll()));
        }
        vault.close();
    }

    private static PointFacts groupFacts(String id, String name, Instant instant) {
        return PointFacts.ofGroup(new PointFacts.Group(id, name, List.of("web", "db"), "crash", instant, 42, null));
    }

    @Test
    void groupPointsComeBackFromTheirMembersManifestsUnderTheGroupOfTheirName() throws Exception {
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Vault vault = Vault.create(new LocalDirectoryBackend(vaultDir), 256 * 1024, null);
        String web = UUID.randomUUID().toString();
        String db = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-06-01T12:00:00Z");
        String kept = UUID.randomUUID().toString();
        String orphan = UUID.randomUUID().toString();
        PointManifest webPoint = point(vault, "web", web, t, 11, groupFacts(kept, "shop", t));
        PointManifest dbPoint = point(vault, "db", db, t.plusMillis(5), 12, groupFacts(kept, "shop", t));
        point(vault, "web", web, t.plusSeconds(60), 13, groupFacts(orphan, "gone-group", t.plusSeconds(60)));
        point(vault, "db", db, t.plusSeconds(61), 14, groupFacts(orphan, "gone-group", t.plusSeconds(60)));
        try (Catalog catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")))) {
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(web, "local", "web", "running", List.of(), t, false),
                    new Instance(db, "local", "db", "running", List.of(), t, false)));
            InstanceGroup shop = catalog.groups().create("shop", "local", List.of(web, db));

            CatalogRebuild.Counts counts = new CatalogRebuild(catalog).rebuild("default", vault);
            assertEquals(new CatalogRebuild.Counts(4, 0, 0, 1, 1, List.of(), List.of(), List.of()), counts, "the group no longer in the catalog is skipped");
            List<GroupPointRecord> points = catalog.groups().points(shop.id());
            assertEquals(1, points.size());
            GroupPointRecord p = points.getFirst();
            assertEquals(kept, p.id());
            assertEquals("shop", p.groupName());
            assertEquals("default", p.vault());
            assertEquals(t, p.instant());
            assertEquals("crash", p.mode());
            assertEquals(42, p.pauseMillis());
            assertEquals(null, p.freezeMillis());
            assertEquals(List.of(web, db), p.instanceIds(), "in the members' order");
            assertEquals(List.of(webPoint.id(), dbPoint.id()), p.pointIds());
            assertEquals(new CatalogRebuild.Counts(4, 0, 0, 0, 1, List.of(), List.of(), List.of()), new CatalogRebuild(catalog).rebuild("default", vault),
                    "a group point the catalog has is kept as it is");
        }
        vault.close();
    }

    @Test
    void whatTheVaultLostIsNamedNotDroppedSilently() throws Exception {
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Vault vault = Vault.create(new LocalDirectoryBackend(vaultDir), 256 * 1024, null);
        String web = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-02-01T08:00:00Z");
        PointManifest whole = point(vault, "web", web, t, 21, PointFacts.NONE);
        PointManifest damaged = point(vault, "web", web, t.plusSeconds(60), 22, PointFacts.NONE);
        PointManifest lost = point(vault, "web", web, t.plusSeconds(120), 23, PointFacts.NONE);
        PointManifest gone = point(vault, "web", web, t.plusSeconds(180), 24, PointFacts.NONE);
        try (Catalog catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")))) {
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(web, "local", "web", "running", List.of(), t, false)));
            for (PointManifest m : List.of(whole, damaged, lost, gone)) {
                catalog.points().upsert(PointRecord.of(m, "default", web, "job-x"));
            }
            Path manifest = vaultDir.resolve(Vault.manifestName(damaged.id()));
            byte[] bytes = Files.readAllBytes(manifest);
            Files.write(manifest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            Files.delete(vaultDir.resolve(Vault.manifestName(lost.id())));
            vault.deletePoint(gone.id());

            CatalogRebuild.Counts counts = new CatalogRebuild(catalog).rebuild("default", vault);
            assertEquals(new CatalogRebuild.Counts(1, 0, 0, 0, 0, List.of(damaged.id()), List.of(lost.id()),
                    List.of(gone.id())), counts);
            assertEquals(List.of(whole.id(), damaged.id()), catalog.points().listAll().stream().map(PointRecord::id).sorted().toList(),
                    "the damaged point still exists (its row is kept); the lost ones cannot be restored");
        }
        vault.close();
    }
}
