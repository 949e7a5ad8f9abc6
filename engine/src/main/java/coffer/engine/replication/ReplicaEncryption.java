package coffer.engine.replication;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.ReplicationRule;
import coffer.vault.format.VaultConfig;

/**
 * Whether a destination vault encrypts as a replication rule asks (the seed's "replication encryption configuration",
 * docs/design/replication.md). A vault has one data key, wrapped by one key of its key ring, and every object of it is
 * sealed with that key; so the rule chooses the vault, not a key per object:
 * <ul>
 *   <li>{@link ReplicationRule.Encryption.Auto}: the destination vault's own key. From an unencrypted vault any
 *       destination will do; from an encrypted one the destination must be encrypted too (a replica never has less
 *       protection than its source).</li>
 *   <li>{@link ReplicationRule.Encryption.AssignedKey}: the destination must be encrypted under that key of its key
 *       ring, whether or not the source is encrypted.</li>
 * </ul>
 * Pure function; stateless.
 */
public final class ReplicaEncryption {
    private ReplicaEncryption() {
    }

    /** @throws CofferException {@link ErrorCode#DestinationEncryptionMismatch} naming the vault and what the rule asks */
    public static void check(ReplicationRule.Encryption rule, boolean sourceEncrypted, VaultConfig destination,
                             String destinationName) {
        VaultConfig.Encryption encryption = destination.encryption();
        switch (rule) {
            case ReplicationRule.Encryption.AssignedKey(String keyId) -> {
                if (encryption == null) {
                    throw mismatch(destinationName + " is not encrypted; the replication rule assigns key " + keyId);
                }
                if (!encryption.keyId().equals(keyId)) {
                    throw mismatch(destinationName + " is encrypted under key " + encryption.keyId()
                            + " of its key ring; the replication rule assigns key " + keyId);
                }
            }
            case ReplicationRule.Encryption.Auto() -> {
                if (sourceEncrypted && encryption == null) {
                    throw mismatch(destinationName + " is not encrypted and the source vault is: a replica of encrypted"
                            + " data is encrypted (Auto: with the destination vault's own key)");
                }
            }
            case null -> throw new IllegalArgumentException("a replication needs an encryption mode (Auto or a key)");
        }
    }

    private static CofferException mismatch(String message) {
        return new CofferException(ErrorCode.DestinationEncryptionMismatch, message);
    }
}
