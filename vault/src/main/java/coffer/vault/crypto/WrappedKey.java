package coffer.vault.crypto;

/**
 * A data key encrypted by a key service: which service and key wrapped it, and the opaque result.
 * Stored in the vault config. Immutable.
 */
public record WrappedKey(String keyService, String keyId, byte[] blob) {
    @Override
    public String toString() {
        return "WrappedKey[" + keyService + ":" + keyId + "]";
    }
}
