package coffer.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which command lines begin the start-up work early: offline instance commands only. */
class EarlyStartTest {
    @Test
    void anOfflineInstanceCommandBeginsEarly() {
        assertTrue(EarlyStart.needed(List.of("backup", "web", "--vault", "/v"), Map.of()));
        assertTrue(EarlyStart.needed(List.of("backup", "web", "--vault=/v"), Map.of()));
        assertTrue(EarlyStart.needed(List.of("backup", "web"), Map.of("COFFER_VAULT", "/v")));
        assertTrue(EarlyStart.needed(List.of("restore", "instance", "p", "--connect", "qemu:///system"), Map.of()));
        assertTrue(EarlyStart.needed(List.of("clone", "web", "--name", "w2", "-c", "test:///default"), Map.of()));
    }

    @Test
    void otherCommandsAndServerRunsDoNot() {
        assertFalse(EarlyStart.needed(List.of(), Map.of()));
        assertFalse(EarlyStart.needed(List.of("point", "list", "--vault", "/v"), Map.of()));
        assertFalse(EarlyStart.needed(List.of("--version"), Map.of("COFFER_VAULT", "/v")));
        assertFalse(EarlyStart.needed(List.of("backup", "web"), Map.of()), "through a server: nothing of it is needed");
        assertFalse(EarlyStart.needed(List.of("backup", "web"), Map.of("COFFER_VAULT", " ")));
        assertFalse(EarlyStart.needed(List.of("backup", "--help", "--vault", "/v"), Map.of()));
    }
}
