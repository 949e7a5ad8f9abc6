package coffer.vault.write;

import coffer.vault.backend.AfterCancel;
import coffer.vault.ChunkId;
import coffer.vault.UnfinishedMarker;
import coffer.vault.Vault;
import coffer.vault.VaultBusyException;
import coffer.vault.VaultLocks;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.Json;
import coffer.vault.format.ObjectKind;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 *   <li>delete nothing while an unfinished point (a write's marker, no manifest) may still be written: a writer
 *       whose lock was removed as stale runs on under the exclusive lock and names what it deduplicated only when
 *       it publishes (a writer of this process that has not finished, a live process of this host, or any process
 *       of another host; docs/reliability.md);</li>
 *   <li>delete the rest, then a barrier.</li>
 * </ol>
 * When the lock cannot be had within the wait (other backups run), an index does not read or an unfinished point
 * may still be written, nothing is deleted and gc removes the chunks after its grace period.
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
        // a cancelled writer cleans up too (interrupted I/O would not), with a short patience per request
        try (AfterCancel afterCancel = AfterCancel.begin();
             VaultLocks.Lock ignored = vault.locks().exclusive("removal of the chunks of a failed backup", wait)) {
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
        }
    }

    /**
     * Why unfinished point {@code id} may still be written by a writer that counts on chunks it found present (null:
     * it is not). Under the exclusive lock no writer with a live lock runs; one may run whose lock was removed as stale
     * (its refreshes failed for {@link VaultLocks#staleAfter()}, or the remover's clock is ahead of the store's), and
     * it names what it deduplicated only when it publishes its indexes. Its marker, published before its first chunk,
     * says who writes: a delete adds no chunk, a writer of this process is known to be running or not, another process
     * of this host and boot is judged by whether it is alive; anything else (another host, another machine of the same
     * host name, a marker that does not read) may
     * still be writing. A marker gone since the listing was a delete's that ended (deletes take no lock) or a writer's
     * that published its point or gave it up: a writer removes its marker only after its manifest is published, or
     * after the rest of its point is gone. So the point is written by no one unless its manifest now stands, and then
     * it was published after the listing and may name these chunks.
     */
    private static String mayStillBeWritten(Vault vault, String id) {
        String name = UnfinishedMarker.objectName(id);
        UnfinishedMarker marker;
        try {
            marker = Json.MAPPER.readValue(vault.codec().open(ObjectKind.MARKER, name, vault.backend().get(name)),
                    UnfinishedMarker.class);
        } catch (ObjectNotFoundException gone) {
            try {
                return vault.backend().exists(Vault.manifestName(id)) ? "point " + id + " was published after the"
                        + " listing and may name these chunks" : null;
            } catch (IOException | RuntimeException unknown) {
                return "whether point " + id + " was published after the listing is unknown (" + unknown.getMessage()
                        + ")";
            }
        } catch (IOException | RuntimeException unreadable) {
            return "unfinished point " + id + " may still be written (its marker does not read: "
                    + unreadable.getMessage() + ")";
        }
        if (!"write".equals(marker.operation())) {
            return null;
        }
        if (marker.ofAnEarlierBootOfThisMachine()) {
            return null; // its writer went with this machine's earlier boot
        }
        if (marker.ofThisBoot()) {
            boolean running = marker.pid() == ProcessHandle.current().pid()
                    ? PointWriter.writingInThisProcess(id)
                    : ProcessHandle.of(marker.pid()).map(ProcessHandle::isAlive).orElse(false);
            if (!running) {
                return null;
            }
        }
        return "unfinished point " + id + " may still be written by pid " + marker.pid() + " on " + marker.host()
                + " (its lock gone stale) and name these chunks";
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
        Map<String, Set<String>> objects = new TreeMap<>();
        for (ObjectInfo info : vault.backend().list(Vault.POINTS)) {
            int slash = info.name().indexOf('/', Vault.POINTS.length());
            if (slash > 0) {
                String point = info.name().substring(0, slash + 1);
                objects.computeIfAbsent(point, p -> new HashSet<>()).add(info.name().substring(slash + 1));
                if (!info.modified().isBefore(cutoff)) {
                    recent.add(point);
                }
            }
        }
        for (Map.Entry<String, Set<String>> point : objects.entrySet()) {
            if (point.getValue().contains(UnfinishedMarker.NAME) && !point.getValue().contains("manifest")) {
                String id = point.getKey().substring(Vault.POINTS.length(), point.getKey().length() - 1);
                String running = mayStillBeWritten(vault, id);
                if (running != null) {
                    return running;
                }
            }
        }
        for (String point : recent) {
            for (ObjectInfo info : vault.backend().list(point)) {
                if (!info.name().endsWith(".fidx")) {
                    continue;
                }
                FixedIndex index;
                try {
                    index = vault.readIndexObject(info.name());
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
