package coffer.vault.replicate;

import java.io.IOException;

/**
 * The destination vault of a replication could not be read or written (a backend failure, an object read back
 * that differs from what was sent, a base replica that does not open): the source is fine, the replica was not
 * published. Carries the destination's own failure as its cause. Retrying may help when the cause was transient.
 */
public final class ReplicaWriteException extends IOException {
    public ReplicaWriteException(String destination, IOException cause) {
        super("destination vault " + destination + ": " + cause.getMessage(), cause);
    }
}
