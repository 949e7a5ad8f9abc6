package coffer.engine.operation;

import coffer.engine.live.FileSearch;
import coffer.virt.guestfs.FileStat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a search's matches become versions: by path, oldest point first, content compared with the previous point's. */
class FileSearchResultTest {
    static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

    static FileSearch.Match file(int point, String path, String sha, long size) {
        return new FileSearch.Match("p" + point, T.plus(Duration.ofDays(point)), "vda", "/dev/sda1", path, false,
                sha == null && size < 0 ? FileStat.Type.SYMLINK : FileStat.Type.FILE, Math.abs(size), T, sha,
                size < 0 ? new coffer.engine.live.LinkTarget("target" + sha, false) : null);
    }

    @Test
    void versionsCountDistinctContentsPerPathAndChangesCompareWithThePreviousPointThatHasTheFile() {
        FileSearch.Result result = new FileSearch.Result(List.of(
                file(3, "/etc/x", "b", 4), file(1, "/etc/x", "a", 4), file(2, "/etc/x", "b", 4), file(4, "/etc/x", "a", 4),
                file(2, "/etc/y", "c", 1), file(4, "/etc/y", "c", 1),
                file(1, "/big", null, 1 << 30), file(2, "/big", null, 1 << 30)),
                4, 1, false, List.of(), Duration.ZERO);
        FileSearchResult r = FileSearchResult.of("web1", "*", "/", result);
        assertEquals(List.of("/big", "/big", "/etc/x", "/etc/x", "/etc/x", "/etc/x", "/etc/y", "/etc/y"),
                r.matches().stream().map(FileSearchResult.Found::path).toList());
        List<FileSearchResult.Found> x = r.matches().subList(2, 6);
        assertEquals(List.of("p1", "p2", "p3", "p4"), x.stream().map(FileSearchResult.Found::point).toList());
        assertEquals(List.of("new", "changed", "same", "changed"), x.stream().map(FileSearchResult.Found::change).toList());
        assertEquals(List.of(1, 2, 2, 3), x.stream().map(FileSearchResult.Found::version).toList(),
                "back to an older content is a new version of the path's history");
        assertEquals(List.of("new", "same"), r.matches().subList(6, 8).stream().map(FileSearchResult.Found::change).toList(),
                "a point without the file in between does not break 'same'");
        assertEquals(List.of("new", "same"), r.matches().subList(0, 2).stream().map(FileSearchResult.Found::change).toList(),
                "above the checksum bound: size and mtime");
        assertEquals(8, r.count());
    }
}
