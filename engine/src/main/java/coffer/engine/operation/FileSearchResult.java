package coffer.engine.operation;

import coffer.engine.live.FileSearch;
import coffer.engine.live.GuestNames;
import coffer.engine.live.LinkTarget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The files a search found (docs/design/live-access.md, "Searching a file across points"), one entry per file per
 * point, ordered by disk, file system, path, then point time (oldest first): {@code version} counts the distinct
 * contents of that path so far and {@code change} says how it compares with the same path in the previous (older)
 * point that has it: {@code new} (the first), {@code changed} or {@code same}. Contents compare by SHA-256 for regular
 * files (by size and modification time above the checksum bound, when {@code sha256} is null), by target for links, by
 * type otherwise. {@code truncated}: more matched than {@link FileSearch#MAX_MATCHES}; {@code appliances}: how many
 * libguestfs appliances were booted for the {@code pointsSearched} points.
 */
public record FileSearchResult(String instance, String name, String path, int pointsSearched, int appliances,
                               boolean truncated, int count, List<Found> matches, List<String> notes) {
    public FileSearchResult {
        matches = List.copyOf(matches);
        notes = List.copyOf(notes);
    }

    /**
     * One file in one point. {@code path} is the guest's name when it is UTF-8 (JSON escapes what it must), else its
     * escaped form ({@code \xNN} for each byte that is not UTF-8) with {@code escaped} set; a link's
     * {@code linkTarget} likewise, with {@code linkTargetEscaped} ({@link LinkTarget}, as a directory listing gives it:
     * before session 24 a search always gave the target escaped, with no flag, so a stored result without the flag
     * reads as escaped: {@code linkTargetEscaped} is never null once read).
     */
    public record Found(String point, Instant pointTime, String disk, String filesystem, String path, boolean escaped,
                        String type, long size, Instant modified, String sha256, String linkTarget,
                        Boolean linkTargetEscaped, int version, String change) {
        public Found {
            if (linkTargetEscaped == null) { // a result stored before the flag: its target was always the escaped form
                linkTargetEscaped = linkTarget != null;
            }
        }

        /** The path in the escaped form, one line whatever the guest stored (text output, the console). */
        public String shownPath() {
            return escaped ? path : GuestNames.escape(path);
        }

        /** The link's target in the escaped form; null when this is no link. */
        public String shownLinkTarget() {
            return LinkTarget.shown(linkTarget, linkTargetEscaped);
        }
    }

    public static FileSearchResult of(String instance, String name, String path, FileSearch.Result result) {
        List<FileSearch.Match> sorted = result.matches().stream().sorted(java.util.Comparator
                .comparing(FileSearch.Match::disk).thenComparing(FileSearch.Match::filesystem)
                .thenComparing(FileSearch.Match::path).thenComparing(FileSearch.Match::pointTime)
                .thenComparing(FileSearch.Match::point)).toList();
        List<Found> found = new ArrayList<>(sorted.size());
        Map<String, FileSearch.Match> previous = new HashMap<>();
        Map<String, Integer> versions = new HashMap<>();
        for (FileSearch.Match m : sorted) {
            String key = m.disk() + "\0" + m.filesystem() + "\0" + m.path();
            FileSearch.Match before = previous.put(key, m);
            String change = before == null ? "new" : sameContent(before, m) ? "same" : "changed";
            int version = versions.merge(key, 1, (a, b) -> change.equals("same") ? a : a + 1);
            found.add(new Found(m.point(), m.pointTime(), m.disk(), m.filesystem(), m.path(), m.escaped(), m.type().name(),
                    m.size(), m.modified(), m.sha256(), m.linkTarget() == null ? null : m.linkTarget().text(),
                    m.linkTarget() != null && m.linkTarget().escaped(), version, change));
        }
        return new FileSearchResult(instance, name, path, result.points(), result.appliances(), result.truncated(),
                found.size(), found, result.notes());
    }

    private static boolean sameContent(FileSearch.Match a, FileSearch.Match b) {
        if (a.type() != b.type()) {
            return false;
        }
        return switch (a.type()) {
            case FILE -> a.sha256() != null && b.sha256() != null ? a.sha256().equals(b.sha256())
                    : a.size() == b.size() && Objects.equals(a.modified(), b.modified());
            case SYMLINK -> Objects.equals(a.linkTarget(), b.linkTarget()); // text and form: caf\xe9 is two targets
            default -> true;
        };
    }
}
