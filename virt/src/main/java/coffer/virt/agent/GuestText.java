package coffer.virt.agent;

/**
 * Text a guest wrote (a script's standard error, the agent's error descriptions) made fit for a message that reaches
 * job logs, the database and an operator's terminal: control characters shown as {@code \xNN} ({@code \n}, {@code \t},
 * {@code \r} as such), so no escape sequence reaches a terminal and one message stays one line, and cut at
 * {@link #MAX} characters. Stateless.
 */
public final class GuestText {
    /** At most this many characters of guest text go into one message. */
    public static final int MAX = 1000;

    private GuestText() {
    }

    /** {@code text} escaped and cut to {@link #MAX} characters (saying how many more there were). */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 16);
        int taken = 0;
        for (; taken < text.length() && out.length() < MAX; taken++) {
            char c = text.charAt(taken);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\x%02x", (int) c & 0xff));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return taken < text.length() ? out + "… (" + (text.length() - taken) + " more characters)" : out.toString();
    }
}
