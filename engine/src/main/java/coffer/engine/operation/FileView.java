package coffer.engine.operation;

import coffer.engine.live.PointFiles;

import java.time.Instant;

/**
 * A file of a point's disk as shown: its name, type ({@code FILE}, {@code DIRECTORY}, {@code SYMLINK}, …), size,
 * POSIX permission bits (octal text), owner ids, modification time, and a link's stored target. {@code escaped}: the
 * guest's name is not UTF-8 and {@code name} is its escaped form ({@code \xNN} for each byte that is not UTF-8,
 * {@code \\} for a backslash: {@link coffer.engine.live.GuestNames}); {@code linkTargetEscaped} the same of a link's
 * target.
 */
public record FileView(String name, String type, long size, String mode, long uid, long gid, Instant modified,
                       String linkTarget, boolean escaped, boolean linkTargetEscaped) {
    public static FileView of(PointFiles.Entry e) {
        return new FileView(e.name(), e.stat().type().name(), e.stat().size(), Long.toOctalString(e.stat().mode() & 07777),
                e.stat().uid(), e.stat().gid(), e.stat().modified(), e.linkTarget(), e.escaped(), e.linkEscaped());
    }

    /** The name in the escaped form, one line whatever the guest stored ({@code coffer files ls}, the console). */
    public String shownName() {
        return escaped ? name : coffer.engine.live.GuestNames.escape(name);
    }

    /** The link's target in the escaped form, as {@link #shownName}; null when this is no link. */
    public String shownLinkTarget() {
        return coffer.engine.live.LinkTarget.shown(linkTarget, linkTargetEscaped);
    }
}
