package coffer.vault.replicate;

import coffer.vault.ChunkId;
import coffer.vault.Vault;
import coffer.vault.VaultBusyException;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectKind;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * The destination vault as a replication uses it: every call's failure becomes a {@link ReplicaWriteException}
 * (except a busy vault and a cancel, which keep their meaning), so the engine can tell a destination that cannot
 * be written from a source that cannot be read.
 *
 * <p>Thread-safe (the vault is).
 */
final class Destination {
    /** One step against the destination. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    private final Vault vault;
    private final boolean askBackend;

    Destination(Vault vault) {
        this.vault = vault;
        this.askBackend = vault.backend().cheapStat();
    }

    Vault vault() {
        return vault;
    }

    /** Runs {@code step}, naming the destination in its failure. */
    <T> T call(Step<T> step) throws IOException {
        try {
            return step.run();
        } catch (VaultBusyException | InterruptedIOException | ReplicaWriteException keep) {
            throw keep;
        } catch (IOException e) {
            throw new ReplicaWriteException(vault.backend().describe(), e);
        }
    }

    /** Whether asking the backend if an object exists is cheap (a file system) rather than a request (S3). */
    boolean cheapStat() {
        return askBackend;
    }

    /**
     * Stores {@code plain[0, length)} as object {@code id} of {@code kind} unless it exists; returns the bytes
     * stored, or -1 when it was there already.
     */
    long store(ObjectKind kind, ChunkId id, byte[] plain, int length) throws IOException {
        return call(() -> {
            String name = id.objectName();
            if (askBackend && vault.backend().exists(name)) {
                return -1L;
            }
            ByteBuffer sealed = vault.codec().seal(kind, name, plain, length, true);
            long bytes = sealed.remaining();
            return vault.backend().putIfAbsent(name, sealed) ? bytes : -1L;
        });
    }

    /** Reads back chunk {@code id} that this run stored: its tag and digest must check, and its length be {@code length}. */
    void checkChunk(ChunkId id, int length, byte[] buffer) throws IOException {
        call(() -> {
            int got = vault.readChunk(id, buffer, true);
            if (got != length) {
                throw new coffer.vault.CorruptDataException(id.objectName(), "read back " + got + " bytes where "
                        + length + " were stored");
            }
            return null;
        });
    }

    /** Reads back patch {@code id} that this run stored, checked against the index record it was stored for. */
    void checkPatch(ChunkId id, FixedIndex.Patched record, int chunkLength) throws IOException {
        call(() -> vault.readPatch(id, record, chunkLength, true));
    }

    /**
     * The chunk and patch ids stored in the destination, each with its listing entry (stored size, modification time):
     * one listing of {@code chunks/} (1,000 per request on S3).
     */
    java.util.Map<ChunkId, ObjectInfo> listStored() throws IOException {
        return call(() -> {
            java.util.Map<ChunkId, ObjectInfo> ids = new java.util.HashMap<>();
            for (ObjectInfo info : vault.backend().list(Vault.CHUNKS)) {
                String hex = info.name().substring(info.name().lastIndexOf('/') + 1);
                if (hex.length() == 64 && hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    ids.put(ChunkId.ofHex(hex), info);
                }
            }
            return ids;
        });
    }

    /** Object {@code id}'s size and modification time, if it exists (one request on S3). */
    java.util.Optional<ObjectInfo> stat(ChunkId id) throws IOException {
        return call(() -> vault.backend().stat(id.objectName()));
    }

    /**
     * When an earlier run of replica {@code replicaId} began, by the unfinished marker it left (a run that failed without
     * removing it, or was killed); empty when there is none. The store's clock, to the second, as the objects' times.
     */
    java.util.Optional<java.time.Instant> earlierAttemptSince(String replicaId) throws IOException {
        return call(() -> vault.backend().stat(coffer.vault.UnfinishedMarker.objectName(replicaId))
                .map(info -> info.modified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    }
}
