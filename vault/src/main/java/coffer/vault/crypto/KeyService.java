package coffer.vault.crypto;

import java.io.IOException;

/**
 * Holds key-encryption keys and wraps/unwraps vault data keys with them (envelope encryption): the vault
 * stores only wrapped data keys, never a key that opens it.
 *
 * <p>Contract: {@link #unwrap} of a blob MUST return the exact data key given to {@link #wrap} with the same
 * {@code context}; with another context, another key, or a damaged blob it MUST throw
 * {@link coffer.vault.KeyUnavailableException} (never return wrong bytes). A missing key id MUST throw
 * {@code KeyUnavailableException} naming the id and where it was looked for. Implementations are
 * thread-safe. Key material never appears in {@code toString()} or messages.
 */
public interface KeyService {

    /** Stable name recorded with each wrapped key, e.g. {@code local-keyring}. */
    String name();

    /** Creates a new key-encryption key and returns its id. */
    String createKey() throws IOException;

    WrappedKey wrap(String keyId, byte[] dataKey, byte[] context) throws IOException;

    byte[] unwrap(WrappedKey wrapped, byte[] context) throws IOException;

    /** Where the keys are, for messages (e.g. the key ring file path). */
    String describe();
}
