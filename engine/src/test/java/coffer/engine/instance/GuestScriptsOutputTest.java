package coffer.engine.instance;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The script check's output is the guest's: a line holding terminal escape sequences is reported escaped, never as
 * it was (docs/reliability.md, session 19).
 */
class GuestScriptsOutputTest {
    @Test
    void aGuestsOddCheckOutputIsReportedEscaped() {
        assertEquals(List.of("unexpected check output: \\x1b[2Jx"), GuestScripts.problemsOf("\u001b[2Jx"));
        assertEquals(List.of("/tmp/prescript.sh is a fifo\\x1b[31m, not a regular file"),
                GuestScripts.problemsOf("/tmp/prescript.sh 0 700 fifo\u001b[31m"));
        assertEquals(List.of(), GuestScripts.problemsOf("/tmp/prescript.sh 0 700 regular file"));
    }
}
