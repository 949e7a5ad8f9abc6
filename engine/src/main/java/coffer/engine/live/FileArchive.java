package coffer.engine.live;

import coffer.engine.ByteSize;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.virt.guestfs.FileStat;
import coffer.virt.guestfs.Guestfs;
import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streams chosen paths of a mounted guest file system into a tar archive compressed with zstd: directories with
 * everything under them, regular files with their contents, symbolic links stored as links (never followed),
 * each with its mode, owner ids and modification time. Device files, FIFOs and sockets are left out and counted.
 * Names are sanitised ({@link GuestPath}): relative, no {@code ..}, and a guest name that is not one plain
 * component is left out and counted instead of written. Long names and large numbers use POSIX (PAX) headers.
 * A path chosen twice (or inside a chosen directory) is written once. Every path handed to libguestfs is the
 * guest's own bytes ({@link GuestPath#bytes}), so a name that is not UTF-8 is read too; in the archive it is named by
 * its escaped form ({@link GuestNames}: tar's long names are UTF-8 text).
 *
 * <p>A regular file's holes are read as the zeros they stand for: libguestfs tells where a file's data is by no call
 * (no extents, no {@code SEEK_DATA}), so a file whose size is far beyond what its file system stores (a guest's
 * {@code truncate -s 16T}) would be read for hours. The bytes a file reads beyond what it stores
 * ({@link FileStat#unallocated}: holes, compressed or inline data) are therefore counted over the archive, and a file
 * that would take the count over the caller's {@code sparseLimit} is refused before it is read ({@code ExportTooSparse},
 * naming the file, its size, what it stores and the limit; docs/reliability.md, session 21). What is written is always
 * the file's exact content.
 *
 * <p>The archive is written to the caller's stream as it is read from the guest: memory stays at one read buffer
 * ({@value Guestfs#MAX_READ} bytes) and the compressor's window. An interrupted thread stops at the next read
 * with an {@link InterruptedIOException}; the caller removes the partial archive.
 *
 * <p>Stateless; thread-safe (each call uses its own buffers).
 */
public final class FileArchive {
    private static final int ZSTD_LEVEL = 3;
    /** The bytes of holes (and other unstored bytes) an archive reads by default: {@code sparseLimit}. */
    public static final long DEFAULT_SPARSE_LIMIT = 1L << 30;

    /** What went into an archive, and what was left out. */
    public record Summary(long files, long directories, long links, long bytes, long skippedSpecial, long skippedNames) {
    }

    private FileArchive() {
    }

    /**
     * Writes {@code paths} (absolute paths in the file system mounted in {@code guestfs}) as tar + zstd to
     * {@code out}, which is finished but not closed; directories are listed through a file in {@code scratch} (a
     * private directory of the caller's on the host); at most {@value #DEFAULT_SPARSE_LIMIT} bytes of holes are read.
     */
    public static Summary write(Guestfs guestfs, List<GuestPath> paths, Path scratch, OutputStream out) throws IOException {
        return write(guestfs, paths, scratch, DEFAULT_SPARSE_LIMIT, out);
    }

    /**
     * As {@link #write(Guestfs, List, Path, OutputStream)}, reading at most {@code sparseLimit} bytes that the files'
     * file system does not store (holes) over the whole archive.
     *
     * @throws CofferException {@code ExportTooSparse} before reading the file that would go over the limit
     */
    public static Summary write(Guestfs guestfs, List<GuestPath> paths, Path scratch, long sparseLimit, OutputStream out)
            throws IOException {
        ZstdOutputStream zstd = new ZstdOutputStream(new NonClosing(out), ZSTD_LEVEL);
        Writer writer = new Writer(guestfs, scratch, new TarArchiveOutputStream(zstd), sparseLimit);
        for (GuestPath path : paths) {
            writer.tree(path);
        }
        writer.tar.finish();
        writer.tar.close(); // closes the zstd frame; the caller's stream stays open
        return writer.summary();
    }

    /** One archive being written. Not thread-safe. */
    private static final class Writer {
        private final Guestfs guestfs;
        private final Path scratch;
        private final TarArchiveOutputStream tar;
        private final byte[] buffer = new byte[Guestfs.MAX_READ];
        private final Set<GuestPath> written = new HashSet<>();
        private final long sparseLimit;
        private long unallocated;
        private long files;
        private long directories;
        private long links;
        private long bytes;
        private long skippedSpecial;
        private long skippedNames;

        Writer(Guestfs guestfs, Path scratch, TarArchiveOutputStream tar, long sparseLimit) {
            this.guestfs = guestfs;
            this.sparseLimit = sparseLimit;
            this.scratch = scratch;
            this.tar = tar;
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }

        /** The path and, for a directory, everything under it: depth first, each directory's names sorted. */
        void tree(GuestPath top) throws IOException {
            Deque<Map.Entry<GuestPath, FileStat>> pending = new ArrayDeque<>();
            pending.push(Map.entry(top, guestfs.stat(top.bytes())));
            while (!pending.isEmpty()) {
                Map.Entry<GuestPath, FileStat> next = pending.pop();
                GuestPath path = next.getKey();
                FileStat stat = next.getValue();
                if (!written.add(path)) {
                    continue;
                }
                entry(path, stat);
                if (stat.type() == FileStat.Type.DIRECTORY) {
                    List<byte[]> names = guestfs.names(path.bytes(), Files.createTempFile(scratch, "archive-", ".list"));
                    List<byte[]> plain = names.stream().filter(GuestPath::plain).sorted(Arrays::compareUnsigned).toList();
                    skippedNames += names.size() - plain.size();
                    List<FileStat> stats = guestfs.statsOf(path.bytes(), plain);
                    for (int i = plain.size() - 1; i >= 0; i--) { // pushed in reverse: popped in name order
                        pending.push(Map.entry(path.child(plain.get(i)), stats.get(i)));
                    }
                }
            }
        }

        private void entry(GuestPath path, FileStat stat) throws IOException {
            if (Thread.interrupted()) {
                throw new InterruptedIOException("archive cancelled at " + path);
            }
            switch (stat.type()) {
                case DIRECTORY -> {
                    if (!path.isRoot()) {
                        put(new TarArchiveEntry(path.archiveName(true)), stat, 0);
                        tar.closeArchiveEntry();
                        directories++;
                    }
                }
                case SYMLINK -> {
                    TarArchiveEntry link = new TarArchiveEntry(path.archiveName(false), TarConstants.LF_SYMLINK);
                    // the target's bytes as names are stored: unescape gives them back (a target that is not UTF-8 included)
                    link.setLinkName(GuestNames.archive(guestfs.readlinkBytes(path.bytes())));
                    put(link, stat, 0);
                    tar.closeArchiveEntry();
                    links++;
                }
                case FILE -> {
                    holes(path, stat);
                    put(new TarArchiveEntry(path.archiveName(false)), stat, stat.size());
                    contents(path, stat.size());
                    tar.closeArchiveEntry();
                    files++;
                }
                default -> skippedSpecial++;
            }
        }

        /** Counts the file's unstored bytes, refusing it (before any of it is read) when they go over the limit. */
        private void holes(GuestPath path, FileStat stat) {
            long holes = stat.unallocated();
            if (holes > sparseLimit - unallocated) {
                throw new CofferException(ErrorCode.ExportTooSparse, "'" + GuestNames.escape(path.bytes()) + "' is a file of "
                        + stat.size() + " bytes (" + ByteSize.of(stat.size()) + ") of which its file system stores "
                        + stat.allocated() + " bytes: exporting it reads " + holes + " bytes of holes ("
                        + ByteSize.of(holes) + "), and this export reads at most " + sparseLimit + " bytes ("
                        + ByteSize.of(sparseLimit) + ") of holes" + (unallocated > 0 ? " (" + unallocated
                        + " bytes went to the files before it)" : "") + "; it was not read");
            }
            unallocated += holes;
        }

        private void put(TarArchiveEntry entry, FileStat stat, long size) throws IOException {
            entry.setMode(stat.permissions() | (int) (stat.mode() & 0170000));
            entry.setSize(size);
            entry.setUserId(stat.uid());
            entry.setGroupId(stat.gid());
            entry.setLastModifiedTime(FileTime.from(stat.modified()));
            tar.putArchiveEntry(entry);
        }

        private void contents(GuestPath path, long size) throws IOException {
            byte[] file = path.bytes();
            long offset = 0;
            while (offset < size) {
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("archive cancelled in " + path);
                }
                int n = guestfs.read(file, offset, buffer, (int) Math.min(buffer.length, size - offset));
                if (n == 0) {
                    throw new IOException(path + " ended at " + offset + " bytes, its stat said " + size);
                }
                tar.write(buffer, 0, n);
                offset += n;
            }
            bytes += size;
        }

        Summary summary() {
            return new Summary(files, directories, links, bytes, skippedSpecial, skippedNames);
        }
    }

    /** Keeps the caller's stream open when the compressor closes. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
