package coffer.engine.error;

/**
 * The one exception above the storage and hypervisor layers: a stable {@link ErrorCode} and a message
 * saying what, where and with what evidence. Mapped once at each boundary (CLI exit code and message,
 * API problem+json, job row).
 */
public final class CofferException extends RuntimeException {
    private final ErrorCode code;

    public CofferException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CofferException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
