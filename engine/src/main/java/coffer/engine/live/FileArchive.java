package coffer.engine.live;

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
 * <p>The archive is written to the caller's stream as it is read from the guest: memory stays at one read buffer
 * ({@value Guestfs#MAX_READ} bytes) and the compressor's window. An interrupted thread stops at the next read
 * with an {@link InterruptedIOException}; the caller removes the partial archive.
 *
 * <p>Stateless; thread-safe (each call uses its own buffers).
 */
public final class FileArchive {
    private static final int ZSTD_LEVEL = 3;

    /** What went into an archive, and what was left out. */
    public record Summary(long files, long directories, long links, long bytes, long skippedSpecial, long skippedNames) {
    }

    private FileArchive() {
    }

    /**
     * Writes {@code paths} (absolute paths in the file system mounted in {@code guestfs}) as tar + zstd to
     * {@code out}, which is finished but not closed; directories are listed through a file in {@code scratch} (a
     * private directory of the caller's on the host).
     */
    public static Summary write(Guestfs guestfs, List<GuestPath> paths, Path scratch, OutputStream out) throws IOException {
        ZstdOutputStream zstd = new ZstdOutputStream(new NonClosing(out), ZSTD_LEVEL);
        Writer writer = new Writer(guestfs, scratch, new TarArchiveOutputStream(zstd));
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
        private long files;
        private long directories;
        private long links;
        private long bytes;
        private long skippedSpecial;
        private long skippedNames;

        Writer(Guestfs guestfs, Path scratch, TarArchiveOutputStream tar) {
            this.guestfs = guestfs;
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
                    link.setLinkName(guestfs.readlink(path.bytes()));
                    put(link, stat, 0);
                    tar.closeArchiveEntry();
                    links++;
                }
                case FILE -> {
                    put(new TarArchiveEntry(path.archiveName(false)), stat, stat.size());
                    contents(path, stat.size());
                    tar.closeArchiveEntry();
                    files++;
                }
                default -> skippedSpecial++;
            }
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
