package coffer.virt.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A guest's own text in messages (a script's standard error, the agent's error description): no control character
 * (a terminal escape sequence, a line break) and no unbounded length reach job logs or a terminal (docs/reliability.md,
 * session 19).
 */
class GuestTextTest {
    private static final String ESCAPES = "\u001b]0;owned\u0007\u001b[2J\rdone\u009b";

    private static boolean printable(String text) {
        return text.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0));
    }

    @Test
    void aScriptsStandardErrorIsEscapedAndCut() {
        String huge = "x".repeat(5_000_000);
        ExecStatus status = new ExecStatus(true, 1, 0, "", ESCAPES + "\nsecond line\n" + huge, false);
        String described = status.describe();
        assertTrue(printable(described), described);
        assertTrue(described.startsWith("exit code 1: \\x1b]0;owned\\x07\\x1b[2J / done\\x9b / second line / xxx"), described); // \r ends a line too
        assertTrue(described.length() < 2 * GuestText.MAX, "length " + described.length());
        assertTrue(described.endsWith(" more characters)"), described.substring(described.length() - 40));
    }

    @Test
    void theAgentsErrorDescriptionIsEscapedAndCut() {
        GuestAgentException e = new GuestAgentException(GuestAgentException.Kind.COMMAND_FAILED, "web-1", "guest-exec",
                ESCAPES + "y".repeat(100_000), null);
        assertTrue(printable(e.getMessage()) && printable(e.agentMessage()), e.agentMessage());
        assertTrue(e.agentMessage().length() < 2 * GuestText.MAX, "length " + e.agentMessage().length());
        assertTrue(e.getMessage().startsWith("guest-exec on domain 'web-1': the guest agent reported an error: \\x1b]0;"),
                e.getMessage());
    }

    @Test
    void plainTextIsKept() {
        assertEquals("Failed to open file '/x': No such file", GuestText.printable("Failed to open file '/x': No such file"));
        assertEquals("", GuestText.printable(null));
        assertFalse(GuestText.printable("é ü 中").contains("\\x"), "letters beyond ASCII are no control characters");
    }
}
