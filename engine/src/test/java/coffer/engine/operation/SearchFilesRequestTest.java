package coffer.engine.operation;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A file search's bad glob is named once, by its field: it read "name: name: not a usable glob" (session 19's walk). */
class SearchFilesRequestTest {

    @Test
    void aBadGlobIsNamedByItsFieldOnce() {
        CofferException e = assertThrows(CofferException.class,
                () -> new SearchFiles("web-1", "hosts[", null, null, null, null));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertEquals("file search request has 1 problem: name: not a usable glob 'hosts[': '[' without ']'", e.getMessage());
    }
}
