package coffer.engine.replication;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.NewInstance;
import coffer.engine.instance.PointFacts;
import coffer.engine.instance.TestDomain;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.testing.S3Server;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.fs.FileTree;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Verifier;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.Libvirt;
import coffer.testing.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disaster recovery from a replica alone, with real components: a no-OS libvirt domain backed up (full, then
 * incremental) into an encrypted vault in a local directory (region {@code local}), both points replicated into an
 * encrypted vault in a bucket of the test S3 server (region {@code east}, its own key ring); then the source vault, its
 * key ring and its catalog are deleted, the destination's catalog is rebuilt from its vault, and the replicas are
 * restored on the destination region's host as new instances with overrides, their disks bit-identical to the
 * domain's disks at each point.
 */
class DisasterRecoveryIT {
    private static final int CHUNK = 256 * 1024;
    @TempDir
    Path dir;
    private TestDomain domain;
    private Libvirt libvirt;

    @AfterEach
    void tearDown() throws Exception {
        if (domain != null) {
            domain.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    private static JobProgress quiet() {
        return JobProgress.NONE;
    }

    @Test
    void replicasRestoreAsNewInstancesInTheDestinationRegionWithTheSourceRegionGone() throws Exception {
        TestDomain.requireLibvirt();
        S3Server server = S3Server.shared();
        libvirt = Libvirt.connect("qemu:///system");
        Map<String, String> disks = new LinkedHashMap<>();
        disks.put("vda", "qcow2");
        disks.put("vdb", "qcow2");
        domain = TestDomain.create(dir, disks, 16);
        TestDomain.virsh("attach-interface", domain.name, "network", "default", "--config"); // persistent definition only
        String originalMac = DomainDefinition.parse(libvirt.domainXml(domain.name, true)).xml()
                .replaceAll("(?s).*<mac address=\"([^\"]+)\".*", "$1");

        // ---- region local: a vault in a directory, its own key ring and catalog
        Path localKeys = dir.resolve("local-keyring.json");
        Path localVault = dir.resolve("local-vault");
        Path eastKeys = dir.resolve("east-keyring.json");
        VaultLocation east = new VaultLocation.Bucket(new S3Location(server.newBucket(), "east"), server.settings());
        new VaultOpener(localKeys).create(localVault, CHUNK, true).close();
        new VaultOpener(eastKeys).create(east, CHUNK, true).close();
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Path localCatalog = dir.resolve("local.db");
        String uuid;
        PointManifest first;
        PointManifest second;
        Map<String, String> shaAtFirst = new LinkedHashMap<>();
        Map<String, String> shaAtSecond = new LinkedHashMap<>();
        String firstReplica;
        String secondReplica;
        try (LocalVaults vaults = new LocalVaults(Map.of(
                "default", new LocalVaults.Location(VaultLocation.directory(localVault), localKeys),
                "east", new LocalVaults.Location(east, eastKeys, "east")), "default");
             Catalog catalog = Catalog.open(CatalogConfig.sqlite(localCatalog))) {
            Vault vault = vaults.open("default");
            first = new InstanceBackup(libvirt, vault, runtime).run(new InstanceBackup.Request(domain.name, Set.of(), 2,
                    PointFacts.NONE), quiet()).point();
            for (String disk : disks.keySet()) {
                shaAtFirst.put(disk, domain.sha(disk));
            }
            domain.write("vda", 3L << 20, 64 << 10, 0x5a);
            domain.write("vdb", 5L << 20, 2 << 20, 0xa5);
            second = new InstanceBackup(libvirt, vault, runtime).run(new InstanceBackup.Request(domain.name, Set.of(), 2,
                    PointFacts.NONE), quiet()).point();
            for (String disk : disks.keySet()) {
                shaAtSecond.put(disk, domain.sha(disk));
            }
            assertEquals("incremental", PointFacts.of(second).disk("vda").mode());
            uuid = PointFacts.of(first).uuid();

            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(uuid, "local", domain.name, "running", List.of(),
                    Instant.now(), false)));
            for (PointManifest point : List.of(first, second)) {
                catalog.points().upsert(PointRecord.of(point, "default", uuid, null));
            }
            TrackedReplication replication = new TrackedReplication(catalog, vaults, new PointReplication(2),
                    java.time.Clock.systemUTC());
            TrackedReplication.Destination destination = new TrackedReplication.Destination("east", "east",
                    new ReplicationRule.Encryption.Auto(), RetentionPeriod.days(90), false);
            PointReplication.Result full = replication.run(first.id(), destination, "job-1", quiet());
            PointReplication.Result incremental = replication.run(second.id(), destination, "job-2", quiet());
            assertEquals(full.replicaId(), incremental.base(), "the incremental replica starts from the first");
            long sourceGrowth = second.disks().stream().mapToLong(PointManifest.Disk::newStoredBytes).sum();
            System.out.println("DisasterRecoveryIT: incremental replica moved " + incremental.storedBytes()
                    + " bytes in " + incremental.newObjects() + " objects; the source point stored " + sourceGrowth);
            assertTrue(incremental.storedBytes() <= sourceGrowth + 64L * incremental.newObjects(),
                    "no more than the source point stored: " + incremental.storedBytes() + " vs " + sourceGrowth);
            firstReplica = full.replicaId();
            secondReplica = incremental.replicaId();
        }

        // ---- the disaster: the source region's vault, key ring and catalog are gone
        FileTree.delete(localVault);
        Files.delete(localKeys);
        Files.delete(localCatalog);
        Files.deleteIfExists(dir.resolve("local.db-wal"));
        Files.deleteIfExists(dir.resolve("local.db-shm"));

        // ---- region east: a new catalog rebuilt from its vault, restores on its host
        try (Vault vault = new VaultOpener(eastKeys).open(east);
             Catalog catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("east.db")))) {
            catalog.hosts().ensure("east-kvm", "qemu:///system");
            CatalogRebuild.Counts counts = new CatalogRebuild(catalog).rebuild("east", "east", vault);
            assertEquals(2, counts.points());
            List<PointRecord> points = catalog.points().listByRegion("east");
            assertEquals(List.of(secondReplica, firstReplica), points.stream().map(PointRecord::id).toList());
            assertTrue(points.stream().allMatch(p -> p.instanceId().equals(uuid) && p.vault().equals("east")));
            assertTrue(new Verifier(vault, 4).verify(vault.points(), Progress.NONE).clean());

            InstanceRestore restore = new InstanceRestore(libvirt, vault, 2);
            String isolated = domain.name + "-dr";
            domain.adopt(isolated);
            Path drDisks = Files.createDirectories(dir.resolve("east-disks"));
            InstanceRestore.InstanceResult started = restore.asNewInstance(secondReplica, NewInstance.named(isolated)
                    .withSize(2, 96L).withNetworks(new NewInstance.Networks.None()).withDirectory(drDisks)
                    .withFormat(ImageFormat.RAW), true, quiet());
            assertTrue(libvirt.domain(isolated).orElseThrow().state().active(), "started");
            DomainDefinition defined = DomainDefinition.parse(libvirt.domainXml(isolated, true));
            String xml = defined.xml();
            assertTrue(xml.contains("<vcpu placement=\"static\">2</vcpu>") || xml.contains(">2</vcpu>"), xml);
            assertTrue(xml.contains("98304</memory>"), xml);
            assertFalse(xml.contains("<interface"), "no network: " + xml);
            assertNotEquals(libvirt.domain(domain.name).orElseThrow().uuid(), defined.uuid().orElseThrow());
            for (String disk : disks.keySet()) {
                Path file = started.disks().get(disk);
                assertTrue(file.startsWith(drDisks) && file.toString().endsWith(".raw"), file.toString());
                assertEquals(shaAtSecond.get(disk), TestData.sha256(file), disk + " bit-identical to the second point");
            }

            String mapped = domain.name + "-dr2";
            domain.adopt(mapped);
            CofferException unknownNetwork = org.junit.jupiter.api.Assertions.assertThrows(CofferException.class, () ->
                    restore.asNewInstance(firstReplica, NewInstance.named(mapped).withNetworks(
                            new NewInstance.Networks.Mapped(Map.of("lan", "dr-lan"))), false, quiet()));
            assertEquals(ErrorCode.InvalidArgument, unknownNetwork.code());
            assertTrue(libvirt.domain(mapped).isEmpty(), "nothing left of the refused restore");
            InstanceRestore.InstanceResult shutOff = restore.asNewInstance(firstReplica, NewInstance.named(mapped)
                    .withNetworks(new NewInstance.Networks.Mapped(Map.of("default", "coffer-dr-net")))
                    .withDirectory(drDisks), false, quiet());
            assertFalse(libvirt.domain(mapped).orElseThrow().state().active(), "left shut off");
            DomainDefinition second2 = DomainDefinition.parse(libvirt.domainXml(mapped, true));
            assertEquals(List.of("coffer-dr-net"), second2.interfaceSources());
            assertFalse(second2.xml().contains(originalMac), "a new MAC address");
            for (String disk : disks.keySet()) {
                assertEquals(shaAtFirst.get(disk), TestDomain.imageSha(shutOff.disks().get(disk), dir),
                        disk + " bit-identical to the first point");
            }
        }
    }

    /**
     * The real test guest (scripts/make-test-guest): backed up with a known file, replicated into the S3 vault of the
     * other region, its source vault deleted; the replica restored as a new instance without network on that region's
     * host boots, answers its agent and reads the known file.
     */
    @Test
    void aReplicaOfARealGuestBootsInTheDestinationRegionAndAnswersItsAgent() throws Exception {
        TestGuest.requireGuestSupport();
        S3Server server = S3Server.shared();
        libvirt = Libvirt.connect("qemu:///system");
        Path localVault = dir.resolve("local-vault");
        Path eastKeys = dir.resolve("east-keyring.json");
        VaultLocation east = new VaultLocation.Bucket(new S3Location(server.newBucket(), "east"), server.settings());
        new VaultOpener(eastKeys).create(east, CHUNK, true).close();
        byte[] known = coffer.testing.TestData.random(31, 300_000);
        String replicaId;
        try (Vault source = new VaultOpener(dir.resolve("local-keyring.json")).create(localVault, CHUNK, true);
             Vault destination = new VaultOpener(eastKeys).open(east);
             TestGuest guest = TestGuest.start(dir)) {
            guest.writeFile("/data/known.bin", known);
            PointManifest point = new InstanceBackup(libvirt, source, Files.createDirectories(dir.resolve("run"))).run(
                    new InstanceBackup.Request(guest.name(), Set.of(), 2, PointFacts.NONE,
                            coffer.engine.instance.AppConsistency.on()), quiet()).point(); // the freeze flushes the file
            assertNotEquals("CRASH", point.consistency(), "file systems frozen (no scripts in the guest: FILESYSTEM)");
            replicaId = new PointReplication(2).run(new PointReplication.Request(new RegionVault("local", "default", source),
                    point.id(), new RegionVault("east", "east", destination), new ReplicationRule.Encryption.Auto(), null,
                    null), quiet()).replicaId();
        }
        FileTree.delete(localVault);

        String name = "coffer-it-dr-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (Vault destination = new VaultOpener(eastKeys).open(east); TestGuest restored = TestGuest.existing(name, dir)) {
            long started = System.nanoTime();
            new InstanceRestore(libvirt, destination, 2).asNewInstance(replicaId, NewInstance.named(name)
                    .withNetworks(new NewInstance.Networks.None()).withDirectory(Files.createDirectories(dir.resolve("east"))),
                    true, quiet());
            restored.awaitAgent(java.time.Duration.ofSeconds(180));
            System.out.printf("DisasterRecoveryIT: the replica of the guest restored from S3 and answered its agent after %.1f s%n",
                    (System.nanoTime() - started) / 1e9);
            assertEquals(coffer.testing.TestData.sha256(known), restored.sha256("/data/known.bin"));
        }
        assertTrue(libvirt.domain(name).isEmpty(), "removed");
    }
}
