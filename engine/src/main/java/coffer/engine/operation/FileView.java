package coffer.engine.operation;

import coffer.engine.live.PointFiles;

import java.time.Instant;

/**
 * A file of a point's disk as shown: its name, type ({@code FILE}, {@code DIRECTORY}, {@code SYMLINK}, …), size,
 * POSIX permission bits (octal text), owner ids, modification time, and a link's stored target.
 */
public record FileView(String name, String type, long size, String mode, long uid, long gid, Instant modified,
                       String linkTarget) {
    public static FileView of(PointFiles.Entry e) {
        return new FileView(e.name(), e.stat().type().name(), e.stat().size(), Long.toOctalString(e.stat().mode() & 07777),
                e.stat().uid(), e.stat().gid(), e.stat().modified(), e.linkTarget());
    }
}
