package coffer.vault.read;

import coffer.vault.ChunkId;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.JitWarmup;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.BlockSink;
import coffer.vault.io.Progress;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one disk of a point into a sink: each data chunk is read, authenticated (GCM tag bound to the
 * chunk's name, or the SHA-256 digest in an unencrypted vault), decompressed (a patch entry: its base chunk
 * with the patch applied) and written at its offset;
 * zero chunks are not written, so the sink stays sparse. Damage fails the restore naming point, disk and
 * byte range: never silently wrong data.
 *
 * <p>Stateless; thread-safe.
 */
public final class DiskRestorer {
    private final Vault vault;
    private final int threads;

    public DiskRestorer(Vault vault, int threads) {
        this.vault = vault;
        this.threads = Math.max(threads, vault.backend().ioParallelism()); // a remote store's round trips overlap
    }

    public void restore(PointManifest point, PointManifest.Disk disk, BlockSink sink, boolean zeroHoles,
                        Progress progress) throws IOException {
        FixedIndex index = vault.readIndex(point, disk);
        if (sink.size() < index.diskSize()) {
            throw new IllegalArgumentException(sink.describe() + " holds " + sink.size() + " bytes; disk " + disk.name()
                    + " needs " + index.diskSize());
        }
        if (index.diskSize() > 24L << 20) {
            JitWarmup.ensure(vault);
        }
        ChunkWorkers.run(index.chunkCount(), threads, index.chunkSize(), (i, buffer) -> {
            ChunkId id = index.get(i);
            long offset = (long) i * index.chunkSize();
            int length = index.lengthOf(i);
            if (id.isZero()) {
                if (zeroHoles) {
                    sink.writeZeroes(offset, length);
                }
                progress.advance(length);
                return;
            }
            try {
                vault.readEntry(index, i, buffer, false);
            } catch (CorruptDataException e) {
                throw e.at(Locations.of(point, disk, offset, length));
            }
            sink.write(offset, ByteBuffer.wrap(buffer, 0, length));
            progress.advance(length);
        });
        sink.commit();
    }
}
