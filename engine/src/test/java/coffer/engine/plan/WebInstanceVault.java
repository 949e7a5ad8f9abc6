package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.PointFacts;
import coffer.testing.ByteArrayBlockSource;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The set-up the retention tests share (RetentionSweepTest, RollbackAgainstCatalogTest): a catalog on a test database
 * with the host {@code local} and its running instance {@code u-web} (named web), a directory vault in {@code
 * dir/vault}, and small points of web written into that vault. {@link #close} closes the vault, the catalog and the
 * database, in that order. Not thread-safe; one per test.
 */
final class WebInstanceVault implements AutoCloseable {
    static final String INSTANCE = "u-web";

    final TestDatabase database;
    final Catalog catalog;
    final Vault vault;

    private WebInstanceVault(TestDatabase database, Catalog catalog, Vault vault) {
        this.database = database;
        this.catalog = catalog;
        this.vault = vault;
    }

    /** Opens the catalog on {@code database} (closed with it, also when this fails) on {@code clock}, and the vault. */
    static WebInstanceVault open(TestDatabase database, Path dir, Clock clock) throws Exception {
        Catalog catalog = null;
        try {
            catalog = Catalog.open(database.config(), clock);
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(INSTANCE, "local", "web", "running", List.of(),
                    clock.instant(), false)));
            Vault vault = Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), 256 * 1024, null);
            return new WebInstanceVault(database, catalog, vault);
        } catch (Exception | Error e) {
            if (catalog != null) {
                catalog.close();
            }
            database.close();
            throw e;
        }
    }

    /** A small crash-consistent point of web at {@code at} in the vault (no catalog row), its facts with {@code extra}. */
    String point(Instant at, PointFacts extra) throws Exception {
        PointFacts facts = new PointFacts(PointFacts.VERSION, new PointFacts.Instance(INSTANCE, "qemu:///system", "running"),
                null, null, null, null, null, null, null).with(extra);
        byte[] disk = new byte[64 * 1024];
        disk[0] = (byte) at.getEpochSecond();
        try (PointWriter writer = PointWriter.begin(vault, "web", at, 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "qcow2", null, Progress.NONE);
            return writer.commit("CRASH", null, List.of(), facts.json()).id();
        }
    }

    /** The ids of web's points the catalog has rows for. */
    Set<String> rows() {
        return catalog.points().listByInstance(INSTANCE).stream().map(PointRecord::id).collect(Collectors.toSet());
    }

    @Override
    public void close() throws Exception {
        try (database; catalog; vault) {
            // closed in reverse order: the vault, the catalog, the database
        }
    }
}
