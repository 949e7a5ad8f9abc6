package coffer.vault.maintenance;

import coffer.vault.Vault;
import coffer.vault.VaultLocks;
import coffer.vault.backend.ObjectNotFoundException;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Moves damaged chunks out of the way, to {@code damaged/chunks/…}, so that the next backup of the same data
 * stores them again (it skips chunks that exist) and every point that references them becomes whole again.
 * The damaged bytes are kept as evidence (a chunk found missing is recorded there empty); gc never touches
 * {@code damaged/}. Runs under the vault's
 * exclusive lock, like gc's sweep: a backup must not decide a chunk exists while it is being moved.
 *
 * <p>Stateless; thread-safe.
 */
public final class Quarantine {
    public static final String PREFIX = Vault.DAMAGED;
    private final Vault vault;

    public Quarantine(Vault vault) {
        this.vault = vault;
    }

    /** Quarantines the chunk objects named in {@code damage}; returns how many were moved. */
    public int quarantine(Collection<Damage> damage, Duration lockWait) throws IOException {
        TreeSet<String> objects = new TreeSet<>();
        for (Damage d : damage) {
            if (d.object().startsWith(Vault.CHUNKS)) {
                objects.add(d.object());
            }
        }
        if (objects.isEmpty()) {
            return 0;
        }
        int moved = 0;
        try (VaultLocks.Lock ignored = vault.locks().exclusive("quarantine of damaged chunks", lockWait)) {
            for (String name : objects) {
                try {
                    vault.backend().put(PREFIX + name, vault.backend().get(name));
                    vault.backend().delete(name);
                    moved++;
                } catch (ObjectNotFoundException missing) {
                    // nothing to move, but recorded (empty: no bytes were found) unless it is already: a backup that
                    // takes its base point's chunks as present without asking (S3, docs/design/s3.md) reads the data
                    // of a quarantined chunk again, and before session 21 kept naming a chunk removed behind the
                    // vault's back in every later point (docs/design/security.md)
                    if (!vault.backend().exists(PREFIX + name)) {
                        vault.backend().put(PREFIX + name, java.nio.ByteBuffer.allocate(0));
                    }
                }
            }
            vault.backend().sync();
        }
        return moved;
    }
}
