package coffer.engine.operation.offline;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.ChangeRetention;
import coffer.engine.operation.ListVaults;
import coffer.engine.operation.ShowCapacity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfflineOperationsTest {
    @Test
    void anOperationOfAServersCatalogIsRefusedNamingItInWordsAndHowToGiveTheServer() {
        try (OfflineOperations offline = new OfflineOperations(new OfflineOperations.Settings(null, null,
                "qemu:///system", Path.of("/nonexistent"), 0, Clock.systemUTC()))) {
            CofferException refused = assertThrows(CofferException.class, () -> offline.call(new ShowCapacity()));
            assertEquals(ErrorCode.InvalidArgument, refused.code());
            assertTrue(refused.getMessage().contains("this needs a server: show capacity works on a server's catalog;"
                    + " give the server with --url or COFFER_URL, and no --vault"), refused.getMessage());
            CofferException vaults = assertThrows(CofferException.class, () -> offline.call(new ListVaults()));
            assertTrue(vaults.getMessage().contains("list vaults works on a server's catalog"), vaults.getMessage());
        }
    }

    @Test
    void anOperationOfAServersCatalogIsRefusedNamingTheCommandThatAsked() {
        for (String command : java.util.List.of("coffer point extend", "coffer point retention")) {
            try (OfflineOperations offline = new OfflineOperations(new OfflineOperations.Settings(null, null,
                    "qemu:///system", Path.of("/nonexistent"), 0, Clock.systemUTC(), command))) {
                CofferException refused = assertThrows(CofferException.class,
                        () -> offline.call(new ChangeRetention("p", 7, null)));
                assertEquals(ErrorCode.InvalidArgument, refused.code());
                assertEquals("this needs a server: `" + command + "` works on a server's catalog; give the server with"
                        + " --url or COFFER_URL, and no --vault", refused.getMessage());
            }
        }
    }

    @Test
    void wordsSplitAnOperationsNameAtItsCapitals() {
        assertEquals("show capacity", OfflineOperations.words(new ShowCapacity()));
        assertEquals("change retention", OfflineOperations.words(new ChangeRetention("p", 7, null)));
    }
}
