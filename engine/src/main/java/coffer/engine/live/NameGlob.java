package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A shell glob matched against one file name (never a path): {@code *} any run of characters, {@code ?} one,
 * {@code [abc]}, {@code [a-z]}, {@code [!abc]} a class, {@code {a,b}} alternatives (not nested), {@code \x} the character x
 * itself. It is matched by Coffer on the names the appliance lists (docs/design/live-access.md, "Searching a file across
 * points"); a name that is not UTF-8 is matched with each bad byte read as U+FFFD. A glob that does not parse, is empty,
 * holds {@code /} or a NUL, or is longer than 256 characters is refused (InvalidArgument).
 *
 * <p>Immutable; thread-safe.
 */
public final class NameGlob {
    static final int MAX_LENGTH = 256;

    private final String glob;
    private final Pattern pattern;

    private NameGlob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    public static NameGlob parse(String glob) {
        if (glob == null || glob.isEmpty() || glob.length() > MAX_LENGTH || glob.indexOf('/') >= 0 || glob.indexOf('\0') >= 0) {
            throw bad(glob, "a file name pattern of 1 to " + MAX_LENGTH + " characters without '/'");
        }
        StringBuilder regex = new StringBuilder();
        boolean inBraces = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> {
                    if (++i == glob.length()) {
                        throw bad(glob, "it ends with a lone '\\'");
                    }
                    regex.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                }
                case '[' -> i = charClass(glob, i, regex);
                case '{' -> {
                    if (inBraces) {
                        throw bad(glob, "'{' inside '{...}' (alternatives do not nest)");
                    }
                    inBraces = true;
                    regex.append("(?:");
                }
                case '}' -> {
                    if (!inBraces) {
                        throw bad(glob, "'}' without '{'");
                    }
                    inBraces = false;
                    regex.append(')');
                }
                case ',' -> regex.append(inBraces ? "|" : ",");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inBraces) {
            throw bad(glob, "'{' without '}'");
        }
        return new NameGlob(glob, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    /** Appends the class starting at {@code glob[open]} ('['); returns the index of its ']'. */
    private static int charClass(String glob, int open, StringBuilder regex) {
        int i = open + 1;
        StringBuilder cls = new StringBuilder("[");
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
            cls.append('^');
            i++;
        }
        boolean first = true;
        for (; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == ']' && !first) {
                regex.append(cls).append(']');
                return i;
            }
            first = false;
            if (c == '-' && cls.length() > 1 && i + 1 < glob.length() && glob.charAt(i + 1) != ']') {
                cls.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                cls.append(c);
            } else {
                cls.append('\\').append(c == '\\' && i + 1 < glob.length() ? glob.charAt(++i) : c);
            }
        }
        throw bad(glob, "'[' without ']'");
    }

    private static CofferException bad(String glob, String why) {
        return new CofferException(ErrorCode.InvalidArgument, "not a usable glob '" + (glob == null ? "" : GuestNames.escape(glob))
                + "': " + why);
    }

    /** Whether {@code name} (one component, as the guest stores it) matches. */
    public boolean matches(byte[] name) {
        return pattern.matcher(new String(name, StandardCharsets.UTF_8)).matches();
    }

    public boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
