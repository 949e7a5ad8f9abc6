package coffer.engine.catalog;

import java.time.Instant;

/**
 * What one incremental backup of an instance found changed (docs/design/assurance.md): the bytes its dirty bitmaps
 * covered, the plaintext it stored anew and what that became in the vault. An instance's recent samples are its
 * change baseline. Immutable.
 */
public record ChangeSample(String pointId, String instanceId, Instant takenAt, long changedBytes, long newBytes,
                           long newStoredBytes) {
    public ChangeSample {
        if (changedBytes < 0 || newBytes < 0 || newStoredBytes < 0) {
            throw new IllegalArgumentException("change sample of point " + pointId + " has a negative byte count");
        }
    }
}
