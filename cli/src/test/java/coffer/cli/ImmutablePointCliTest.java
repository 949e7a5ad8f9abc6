package coffer.cli;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.TestData;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer point delete --vault} works on the vault directly, without the catalog that used to be the only
 * one to refuse: an immutable point is refused there too, with the seed's code, and stays restorable.
 */
class ImmutablePointCliTest {
    @TempDir
    Path dir;

    @Test
    void anOfflineDeleteOfAnImmutablePointIsRefusedWithItsCode() throws Exception {
        Path vaultDir = dir.resolve("vault");
        Path keyRing = dir.resolve("keyring.json");
        CliRun.run(keyRing, "vault", "init", vaultDir.toString(), "--chunk-size", "256K", "--no-encryption").ok();
        PointManifest held;
        PointManifest free;
        try (Vault vault = Vault.open(new LocalDirectoryBackend(vaultDir), null)) {
            held = write(vault, Instant.parse("2026-01-01T00:00:00Z"), Instant.now().plus(Duration.ofDays(7)));
            free = write(vault, Instant.parse("2026-01-02T00:00:00Z"), null);
        }
        CliRun refused = CliRun.run(keyRing, "point", "delete", "--vault", vaultDir.toString(), held.id())
                .fails(1, "BackupPointImmutable");
        assertTrue(refused.err().contains("immutable until") && refused.err().contains(held.id()), refused.err());
        assertTrue(CliRun.run(keyRing, "point", "list", "--vault", vaultDir.toString()).ok().out().contains(held.id()));
        CliRun.run(keyRing, "point", "delete", "--vault", vaultDir.toString(), free.id()).ok();
    }

    private static PointManifest write(Vault vault, Instant at, Instant immutableUntil) throws Exception {
        try (PointWriter writer = PointWriter.begin(vault, "img", at, 1)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(at.getEpochSecond(), 300_000)), "raw", null,
                    Progress.NONE);
            if (immutableUntil != null) {
                writer.immutableUntil(immutableUntil);
            }
            return writer.commit("CRASH", null, List.of(), null);
        }
    }
}
