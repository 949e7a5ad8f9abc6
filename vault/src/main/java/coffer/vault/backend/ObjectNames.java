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
}
