package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * A path inside a point's file system, kept as its components: what a user asks for ({@code /etc/hosts}), and the
 * name it gets in an archive ({@code etc/hosts}: relative, never {@code ..}, never empty components).
 *
 * <p>A requested path must be absolute; {@code .} and empty components are dropped, {@code ..} is refused rather
 * than resolved (there is no "above" to go to that the user could mean, and resolving it is how archives escape
 * their directory). A name listed from the guest's file system must be one plain component: the file system is
 * the guest's, so a name holding {@code /}, or being {@code .} or {@code ..}, is refused too.
 *
 * <p>Immutable; thread-safe.
 */
public record GuestPath(List<String> components) {
    public static final GuestPath ROOT = new GuestPath(List.of());

    public GuestPath {
        components = List.copyOf(components);
        for (String c : components) {
            if (!plain(c)) {
                throw new IllegalArgumentException("not a plain path component: '" + c + "'");
            }
        }
    }

    /** A path the user asked for. */
    public static GuestPath parse(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new CofferException(ErrorCode.InvalidArgument, "a path in a point's file system is absolute (starts with /), not '"
                    + path + "'");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new CofferException(ErrorCode.InvalidArgument, "'..' is not allowed in a path: '" + path + "'");
            }
            if (part.indexOf('\0') >= 0) {
                throw new CofferException(ErrorCode.InvalidArgument, "a path cannot hold a NUL character");
            }
            parts.add(part);
        }
        return new GuestPath(parts);
    }

    /** Whether a name listed from a guest's directory is one plain component. */
    public static boolean plain(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    /** This path with one listed name appended; the name must be {@linkplain #plain plain}. */
    public GuestPath child(String name) {
        List<String> parts = new ArrayList<>(components);
        parts.add(name);
        return new GuestPath(parts);
    }

    /** The absolute path inside the guest file system, for libguestfs: {@code /etc/hosts}, {@code /} for the root. */
    public String absolute() {
        return "/" + String.join("/", components);
    }

    /** The name inside an archive: relative, {@code etc/hosts}; a directory's ends with {@code /}. */
    public String archiveName(boolean directory) {
        String name = String.join("/", components);
        return directory && !name.isEmpty() ? name + "/" : name;
    }

    public boolean isRoot() {
        return components.isEmpty();
    }

    @Override
    public String toString() {
        return absolute();
    }
}
