package coffer.vault.backend;

/** Validation of backend object names. Stateless. */
public final class ObjectNames {
    private ObjectNames() {
    }

    /** Returns {@code name} if it is a valid object name, else throws {@link IllegalArgumentException}. */
    public static String check(String name) {
        if (!valid(name)) {
            throw new IllegalArgumentException("invalid vault object name: '" + name + "'");
        }
        return name;
    }

    /**
     * Whether {@code name} is a valid object name: segments of {@code [a-z0-9._-]+} joined by '/', no "..", no
     * segment "." at the start or the end or between slashes, no leading '.'. The same rule as the pattern {@code
     * [a-z0-9._-]+(/[a-z0-9._-]+)*} with those exclusions, in one pass without a regular expression: every chunk a
     * backup stores asks it two or three times (a full of 4 GiB spent 1.4 % of its chunk workers' CPU in the
     * pattern; docs/performance.md, "Session 23").
     */
    static boolean valid(String name) {
        int n = name.length();
        if (n == 0 || name.charAt(0) == '.' || name.charAt(0) == '/' || name.charAt(n - 1) == '/') {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/';
            if (!ok || c == '/' && previous == '/' || c == '.' && previous == '.') {
                return false;
            }
            previous = c;
        }
        return !name.endsWith("/.") && !name.contains("/./");
    }

    /** Returns {@code prefix} if it may start object names (a {@code list} prefix), else throws {@link IllegalArgumentException}. */
    public static String checkPrefix(String prefix) {
        if (!prefix.matches("[a-z0-9._/-]*") || prefix.contains("..") || prefix.startsWith("/")) {
            throw new IllegalArgumentException("invalid object name prefix: '" + prefix + "'");
        }
        return prefix;
    }

    /** Returns {@code prefix} if it may be listed by segments ({@code listChildren}: it ends with '/'). */
    public static String checkChildPrefix(String prefix) {
        checkPrefix(prefix);
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a child listing needs a prefix ending with '/': '" + prefix + "'");
        }
        return prefix;
    }
}
