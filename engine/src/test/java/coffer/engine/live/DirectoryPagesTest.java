package coffer.engine.live;

import coffer.engine.catalog.NameCursor;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.ListFiles;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A directory listing pages by name (docs/api.md, "Lists"): {@link PointFiles#namesAfter} picks a page's names before
 * their metadata is read, in name order whatever order the file system gave them; the cursor is a
 * {@link NameCursor} of the last name (names may hold a colon). The appliance-level listing is
 * {@code PointFilesIT}'s (libguestfs).
 */
class DirectoryPagesTest {
    @Test
    void pagesOfADirectoryHoldEveryNameOnceInNameOrder() {
        List<String> names = List.of("var", "etc", "a:b", "bin", "lost+found", "home", "Zed", "boot");
        List<String> walked = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            String after = cursor == null ? null : NameCursor.decode("cursor", cursor).name();
            List<String> page = PointFiles.namesAfter(names, after, 3 + 1);
            boolean more = page.size() > 3;
            page = more ? page.subList(0, 3) : page;
            walked.addAll(page);
            sizes.add(page.size());
            cursor = more ? new NameCursor(page.getLast(), "file").encode() : null;
        } while (cursor != null);
        assertEquals(names.stream().sorted().toList(), walked);
        assertEquals(List.of(3, 3, 2), sizes);
        assertEquals(List.of(), PointFiles.namesAfter(names, "var", 10), "nothing after the last name");
    }

    @Test
    void aListingRequestRefusesABadCursorOrLimit() {
        CofferException cursor = assertThrows(CofferException.class,
                () -> new ListFiles("p", "vda", null, "/", false, "zzz", null));
        assertEquals(ErrorCode.InvalidArgument, cursor.code());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class,
                () -> new ListFiles("p", "vda", null, "/", false, null, 1001)).code());
        assertEquals(1000, new ListFiles("p", "vda", null, "/", false).pageSize());
    }
}
