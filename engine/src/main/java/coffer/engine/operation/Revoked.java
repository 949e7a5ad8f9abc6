package coffer.engine.operation;

/** A token revoked. */
public record Revoked(String revoked) {
}
