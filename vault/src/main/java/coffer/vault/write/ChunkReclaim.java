package coffer.vault.write;

import coffer.vault.ChunkId;
import coffer.vault.Vault;
import coffer.vault.VaultBusyException;
import coffer.vault.VaultLocks;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectKind;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes the chunks a point writer created before it failed or was cancelled, unless a point uses them
 * (docs/design/gc.md, "A failed backup frees its space"). Deduplication is why this needs care: while the writer
 * ran, another backup may have found one of its chunks present and named it in its own point. The rule:
 * <ol>
 *   <li>take the vault's exclusive lock, as gc's sweep does: no other backup is writing, so any point that
 *       could name one of these chunks is published by now (or never will be);</li>
 *   <li>such a point was published after the writer took its lock (the chunk did not exist before): read the
 *       indexes of every point with an object modified since then (less {@link #MARGIN} for clocks), and keep
 *       what they name, patch bases included;</li>
 *   <li>keep what {@code vault verify --quarantine} moved to {@code damaged/}: the writer stored it again and
 *       older points use it;</li>
 *   <li>delete the rest, then a barrier.</li>
 * </ol>
 * When the lock cannot be had within the wait (other backups run) or an index does not read, nothing is deleted
 * and gc removes the chunks after its grace period.
 *
 * <p>Stateless; thread-safe.
 */
final class ChunkReclaim {
    /** How long an abandoned writer waits for running backups before leaving its chunks to gc. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Points whose objects changed this long before the writer's lock was published are read too. */
    static final Duration MARGIN = Duration.ofMinutes(1);

    private ChunkReclaim() {
    }

    static PointWriter.Reclaimed reclaim(Vault vault, Set<ChunkId> created, Instant since, Duration wait) {
        if (created.isEmpty()) {
            return new PointWriter.Reclaimed(0, 0, null);
        }
        boolean interrupted = Thread.interrupted(); // a cancelled writer cleans up too; interrupted I/O would not
        try (VaultLocks.Lock ignored = vault.locks().exclusive("removal of the chunks of a failed backup", wait)) {
            Set<ChunkId> unused = new HashSet<>(created);
            String unreadable = keepWhatPointsUse(vault, unused, since.minus(MARGIN));
            if (unreadable != null) {
                return new PointWriter.Reclaimed(created.size(), 0, unreadable);
            }
            int removed = 0;
            for (ChunkId id : unused) {
                vault.backend().delete(id.objectName());
                removed++;
            }
            vault.backend().sync();
            return new PointWriter.Reclaimed(created.size(), removed, null);
        } catch (VaultBusyException busy) {
            return new PointWriter.Reclaimed(created.size(), 0, busy.getMessage());
        } catch (IOException | RuntimeException failed) {
            return new PointWriter.Reclaimed(created.size(), 0, String.valueOf(failed.getMessage()));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Removes from {@code unused} what a point changed since {@code cutoff} names; returns why not, or null. */
    private static String keepWhatPointsUse(Vault vault, Set<ChunkId> unused, Instant cutoff) throws IOException {
        for (ObjectInfo info : vault.backend().list(Vault.DAMAGED + Vault.CHUNKS)) {
            String hex = info.name().substring(info.name().lastIndexOf('/') + 1);
            if (hex.matches("[0-9a-f]{64}")) {
                unused.remove(ChunkId.ofHex(hex));
            }
        }
        Set<String> recent = new TreeSet<>();
        for (ObjectInfo info : vault.backend().list(Vault.POINTS)) {
            int slash = info.name().indexOf('/', Vault.POINTS.length());
            if (slash > 0 && !info.modified().isBefore(cutoff)) {
                recent.add(info.name().substring(0, slash + 1));
            }
        }
        for (String point : recent) {
            for (ObjectInfo info : vault.backend().list(point)) {
                if (!info.name().endsWith(".fidx")) {
                    continue;
                }
                FixedIndex index;
                try {
                    byte[] body = vault.codec().open(ObjectKind.INDEX, info.name(), vault.backend().get(info.name()));
                    index = FixedIndex.decode(info.name(), body);
                } catch (ObjectNotFoundException deleted) {
                    continue; // its point was deleted meanwhile
                } catch (IOException unreadable) {
                    return "index " + info.name() + " cannot be read (" + unreadable.getMessage() + ")";
                }
                for (int i = 0; i < index.chunkCount(); i++) {
                    unused.remove(index.get(i));
                    FixedIndex.Patched patched = index.patchOf(i);
                    if (patched != null) {
                        unused.remove(patched.base());
                    }
                }
            }
        }
        return null;
    }
}
