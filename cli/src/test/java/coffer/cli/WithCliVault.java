package coffer.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The set-up the command line's tests on one offline vault share: a temporary directory, and in it the vault
 * {@code dir/vault} made with {@code coffer vault init --chunk-size 256K} (encrypted, its key ring
 * {@code dir/keyring.json}) before each test.
 */
abstract class WithCliVault {
    @TempDir Path dir;
    Path keyRing;
    Path vault;

    @BeforeEach
    void createVault() {
        keyRing = dir.resolve("keyring.json");
        vault = dir.resolve("vault");
        CliRun.run(keyRing, "vault", "init", vault.toString(), "--chunk-size", "256K").ok();
    }
}
