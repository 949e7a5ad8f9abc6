package coffer.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every table's cells are escaped as the console escapes shown text (docs/cli.md, "Tables and times"): ESC, line breaks,
 * C1 controls, U+2028 and the bidirectional controls print as their escapes, a backslash as it is, so one value is one
 * line that changes nothing on the terminal (the instance overview's and every other table's names).
 */
class TableEscapeTest {
    @Test
    void cellsPrintTerminalAffectingCharactersEscaped() {
        List<String> lines = Table.of("INSTANCE", "POLICY").row("x\u202egnp.exe\u2066y\u2069", "red\u001b[31m\nnext\u009b\u2028 a\\b")
                .lines();
        assertEquals(List.of("INSTANCE                     POLICY",
                "x\\u202egnp.exe\\u2066y\\u2069  red\\x1b[31m\\nnext\\u009b\\u2028 a\\b"), lines);
    }
}
