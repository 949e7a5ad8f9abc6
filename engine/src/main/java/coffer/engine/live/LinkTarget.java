package coffer.engine.live;

/**
 * A symbolic link's target as Coffer reports it, in a directory listing ({@code files ls}, the console's browse) and in
 * a file search alike (docs/api.md, "Exact paths"): {@code text} is the target itself when its bytes are UTF-8, else
 * its escaped form ({@link GuestNames#escape}) with {@code escaped} set, so the bytes are never decoded with replacement
 * characters. The JSON of a listing or a search gives the two as {@code linkTarget} and {@code linkTargetEscaped}.
 */
public record LinkTarget(String text, boolean escaped) {
    /** The target of a link whose stored bytes are {@code target}; null for null (no link). */
    public static LinkTarget of(byte[] target) {
        if (target == null) {
            return null;
        }
        String utf8 = GuestNames.utf8(target);
        return utf8 != null ? new LinkTarget(utf8, false) : new LinkTarget(GuestNames.escape(target), true);
    }

    /** The target in the escaped form, one line whatever the guest stored (text output, the console). */
    public String shown() {
        return shown(text, escaped);
    }

    /** {@link #shown()} of a target given as its two JSON fields; null when {@code text} is (no link). */
    public static String shown(String text, boolean escaped) {
        return text == null ? null : escaped ? text : GuestNames.escape(text);
    }
}
