package coffer.vault.backend;

import java.io.IOException;

/** A backend call failed; {@link #retryable()} tells whether repeating it may help. */
public class BackendException extends IOException {
    private final boolean retryable;

    public BackendException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
