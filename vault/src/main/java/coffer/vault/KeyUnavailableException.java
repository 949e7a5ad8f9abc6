package coffer.vault;

import java.io.IOException;

/** The key that unlocks a vault is missing from the key service, or is not the right key. */
public final class KeyUnavailableException extends IOException {
    public KeyUnavailableException(String message) {
        super(message);
    }

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
