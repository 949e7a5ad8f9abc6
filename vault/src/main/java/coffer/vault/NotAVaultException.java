package coffer.vault;

import java.io.IOException;

/** The location holds no vault (no config object), or something that is not a vault. */
public final class NotAVaultException extends IOException {
    public NotAVaultException(String message) {
        super(message);
    }
}
