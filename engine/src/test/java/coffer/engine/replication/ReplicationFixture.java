package coffer.engine.replication;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.PointFacts;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.TestData;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The set-up of the replication tests: vaults in local directories of a test's directory (one key ring for all), each of
 * a region or of the local one, a real catalog (SQLite) on a fixed clock with one host and its running instance
 * {@code web}, and points of that instance written to a vault and recorded in the catalog as its server would. Build it
 * with {@link #vault}, then {@link #open}; close it after the test. Not thread-safe.
 */
final class ReplicationFixture implements AutoCloseable {
    private static final int CHUNK_SIZE = 256 * 1024;

    final Path dir;
    final Clock clock;
    /** The instance's UUID. */
    final String uuid = UUID.randomUUID().toString();
    Catalog catalog;
    LocalVaults vaults;
    private final VaultOpener keys;
    private final Map<String, LocalVaults.Location> locations = new LinkedHashMap<>();

    ReplicationFixture(Path dir, Instant now) {
        this.dir = dir;
        this.clock = Clock.fixed(now, ZoneOffset.UTC);
        this.keys = new VaultOpener(dir.resolve("keyring.json"));
    }

    /**
     * Creates a vault (chunks of 256 KiB) in {@code directory} of the test's directory, known as {@code name}, of
     * {@code region} ({@code null}: the local region), encrypted or not.
     */
    ReplicationFixture vault(String name, String directory, String region, boolean encrypted) {
        keys.create(dir.resolve(directory), CHUNK_SIZE, encrypted);
        VaultLocation where = VaultLocation.directory(dir.resolve(directory));
        locations.put(name, region == null ? new LocalVaults.Location(where, dir.resolve("keyring.json"))
                : new LocalVaults.Location(where, dir.resolve("keyring.json"), region));
        return this;
    }

    /** Opens the vaults ({@code defaultName} the default) and the catalog, with {@code host} running {@code web}. */
    ReplicationFixture open(String defaultName, String host) {
        vaults = new LocalVaults(Map.copyOf(locations), defaultName);
        catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")), clock);
        catalog.hosts().ensure(host, "qemu:///system");
        catalog.instances().refresh(host, List.of(new Instance(uuid, host, "web", "running", List.of(), clock.instant(),
                false)));
        return this;
    }

    /**
     * A crash-consistent point of {@code web} created at {@code created} in {@code vault}: one disk {@code vda} of
     * {@code chunks} chunks of seeded random data; recorded in the catalog, in the vault's region, as made by the job
     * {@code job-0}.
     */
    PointRecord point(String vault, Instant created, long seed, int chunks) throws Exception {
        Vault target = vaults.open(vault);
        PointManifest manifest;
        try (PointWriter writer = PointWriter.begin(target, "web", created, 2)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(seed, chunks * CHUNK_SIZE)), "raw", null,
                    Progress.NONE);
            manifest = writer.commit("CRASH", null, List.of(), new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance(uuid, "qemu:///system", "running"), null, null, null, null,
                    created.plusSeconds(86400), null, null).json());
        }
        PointRecord record = PointRecord.of(manifest, vault, uuid, "job-0").inRegion(locations.get(vault).region());
        catalog.points().upsert(record);
        return record;
    }

    @Override
    public void close() {
        if (catalog != null) {
            catalog.close();
        }
        if (vaults != null) {
            vaults.close();
        }
    }
}
