package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.ReplicationRule;
import coffer.vault.format.VaultConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule's encryption against the destination vault: a table of rules, sources and destinations. */
class ReplicaEncryptionTest {
    private static VaultConfig vault(String keyId) {
        return new VaultConfig(VaultConfig.FORMAT, VaultConfig.VERSION, "v", Instant.EPOCH, 1 << 19,
                keyId == null ? "sha256" : "hmac-sha256", "zstd", 1, keyId == null ? null
                : new VaultConfig.Encryption("aes-256-gcm", "hkdf-sha256", "local-keyring", keyId, "AAAA"));
    }

    @ParameterizedTest(name = "rule {0}, source encrypted {1}, destination key {2}: allowed {3}")
    @CsvSource(nullValues = "none", value = {
            "auto, false, none, true",
            "auto, false, k-east, true",
            "auto, true, k-east, true",
            "auto, true, none, false",
            "k-east, false, k-east, true",
            "k-east, true, k-east, true",
            "k-east, true, k-west, false",
            "k-east, false, none, false",
    })
    void destinationEncryption(String rule, boolean sourceEncrypted, String destinationKey, boolean allowed) {
        ReplicationRule.Encryption encryption = rule.equals("auto") ? new ReplicationRule.Encryption.Auto()
                : new ReplicationRule.Encryption.AssignedKey(rule);
        if (allowed) {
            ReplicaEncryption.check(encryption, sourceEncrypted, vault(destinationKey), "vault east");
        } else {
            CofferException e = assertThrows(CofferException.class,
                    () -> ReplicaEncryption.check(encryption, sourceEncrypted, vault(destinationKey), "vault east"));
            assertEquals(ErrorCode.DestinationEncryptionMismatch, e.code());
            assertTrue(e.getMessage().startsWith("vault east"), e.getMessage());
        }
    }
}
