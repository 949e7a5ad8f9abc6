package coffer.engine.operation;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.live.FileArchive;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An export's {@code sparseLimit} (session 21, docs/reliability.md): its notation, default and refusals. */
class ExportSparseLimitTest {
    private static ExportFiles export(String limit) {
        return new ExportFiles("p", "vda", null, List.of("/srv"), null, true, limit);
    }

    @Test
    void aLimitIsAWholeNumberOfBytesOrOfBinaryUnits() {
        assertEquals(FileArchive.DEFAULT_SPARSE_LIMIT, export(null).sparseLimitBytes());
        assertEquals(1L << 30, FileArchive.DEFAULT_SPARSE_LIMIT);
        assertEquals(64L << 30, export("64G").sparseLimitBytes());
        assertEquals(512L << 20, export("512M").sparseLimitBytes());
        assertEquals(2L << 40, export("2T").sparseLimitBytes());
        assertEquals(4096, export("4096").sparseLimitBytes());
        assertEquals(0, export("0").sparseLimitBytes(), "0: no holes at all");
        assertEquals(999_999L << 40, export("999999T").sparseLimitBytes());
        assertEquals("64G", export("64G").resolved("01X").sparseLimit(), "kept when the point is resolved");
        assertEquals(FileArchive.DEFAULT_SPARSE_LIMIT, new ExportFiles("p", "vda", null, List.of("/srv"), null, true).sparseLimitBytes());
    }

    /** The API's body and the job's stored operation: the field by its name, absent meaning the default. */
    @Test
    void theLimitTravelsAsJson() {
        String json = coffer.engine.json.CofferJson.text(export("64G"));
        assertTrue(json.contains("\"sparseLimit\":\"64G\""), json);
        assertEquals(64L << 30, coffer.engine.json.CofferJson.readObject(json, ExportFiles.class, "export").sparseLimitBytes());
        ExportFiles older = coffer.engine.json.CofferJson.readObject("{\"point\":\"p\",\"disk\":\"vda\",\"paths\":[\"/srv\"]}",
                ExportFiles.class, "export");
        assertEquals(FileArchive.DEFAULT_SPARSE_LIMIT, older.sparseLimitBytes());
    }

    @Test
    void anythingElseIsRefusedNamingTheField() {
        for (String bad : List.of("", "1g", "1GiB", "-1G", "1.5G", "01G", "1000000T", "G", " 1G", "1E")) {
            CofferException e = assertThrows(CofferException.class, () -> export(bad), bad);
            assertEquals(ErrorCode.InvalidArgument, e.code(), bad);
            assertTrue(e.getMessage().contains("sparseLimit") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
