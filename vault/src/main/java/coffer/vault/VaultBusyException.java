package coffer.vault;

import java.io.IOException;

/** An operation needs a vault lock that another operation holds (e.g. gc's sweep while a backup writes). */
public final class VaultBusyException extends IOException {
    public VaultBusyException(String message) {
        super(message);
    }
}
