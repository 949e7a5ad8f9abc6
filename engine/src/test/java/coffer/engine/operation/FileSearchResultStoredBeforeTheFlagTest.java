package coffer.engine.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coffer.engine.json.CofferJson;
import org.junit.jupiter.api.Test;

/**
 * A file search's result stored before session 24 gave every link target in the escaped form and had no
 * {@code linkTargetEscaped}: read back, such a target is shown once escaped, not escaped a second time.
 */
class FileSearchResultStoredBeforeTheFlagTest {

    private static FileSearchResult.Found read(String match) throws Exception {
        String json = """
                {"instance":"i","name":null,"path":"/a","pointsSearched":1,"appliances":1,"truncated":false,"count":1,
                 "matches":[%s],"notes":[]}""".formatted(match);
        return CofferJson.read(CofferJson.MAPPER.readTree(json), FileSearchResult.class).matches().getFirst();
    }

    @Test
    void aLinkWithoutTheFlagReadsAsTheEscapedFormItWas() throws Exception {
        FileSearchResult.Found old = read("""
                {"point":"p","disk":"vda","filesystem":"/dev/sda1","path":"/a","escaped":false,"type":"SYMLINK",
                 "size":4,"linkTarget":"caf\\\\xe9","version":1,"change":"new"}""");
        assertTrue(old.linkTargetEscaped());
        assertEquals("caf\\xe9", old.shownLinkTarget(), "shown as stored, not escaped twice");
    }

    @Test
    void aFileWithoutTheFlagIsNoEscapedLink() throws Exception {
        FileSearchResult.Found old = read("""
                {"point":"p","disk":"vda","filesystem":"/dev/sda1","path":"/a","escaped":false,"type":"FILE",
                 "size":4,"version":1,"change":"new"}""");
        assertFalse(old.linkTargetEscaped());
        assertEquals(null, old.shownLinkTarget());
    }

    @Test
    void theFlagWhenGivenIsKept() throws Exception {
        FileSearchResult.Found found = read("""
                {"point":"p","disk":"vda","filesystem":"/dev/sda1","path":"/a","escaped":false,"type":"SYMLINK",
                 "size":4,"linkTarget":"a\\\\b","linkTargetEscaped":false,"version":1,"change":"new"}""");
        assertFalse(found.linkTargetEscaped());
        assertEquals("a\\\\b", found.shownLinkTarget(), "a UTF-8 target with a backslash, shown escaped");
    }
}
