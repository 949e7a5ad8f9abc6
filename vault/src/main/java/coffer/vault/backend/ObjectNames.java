package coffer.vault.backend;

import java.util.regex.Pattern;

/** Validation of backend object names. Stateless. */
public final class ObjectNames {
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]+(/[a-z0-9._-]+)*");

    private ObjectNames() {
    }

    /** Returns {@code name} if it is a valid object name, else throws {@link IllegalArgumentException}. */
    public static String check(String name) {
        if (!NAME.matcher(name).matches() || name.contains("..") || name.startsWith(".") || name.endsWith("/.")
                || name.contains("/./")) {
            throw new IllegalArgumentException("invalid vault object name: '" + name + "'");
        }
        return name;
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
