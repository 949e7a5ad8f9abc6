package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A path inside a point's file system, kept as its components, each the bytes the guest's file system stores (a name
 * need not be UTF-8): what a user asks for ({@code /etc/hosts}, or its {@linkplain #parseEscaped escaped form} for a
 * name that is not UTF-8), the bytes every libguestfs call about it is given ({@link #bytes}), and the name it gets in
 * an archive ({@code etc/hosts}: relative, never {@code ..}, never empty components).
 *
 * <p>A requested path must be absolute; {@code .} and empty components are dropped, {@code ..} is refused rather
 * than resolved (there is no "above" to go to that the user could mean, and resolving it is how archives escape
 * their directory). A name listed from the guest's file system must be one plain component: the file system is
 * the guest's, so a name holding {@code /}, or being {@code .} or {@code ..}, is refused too.
 *
 * <p>Immutable; thread-safe.
 */
public final class GuestPath {
    public static final GuestPath ROOT = new GuestPath(List.of());

    private final List<byte[]> components;

    private GuestPath(List<byte[]> components) {
        for (byte[] c : components) {
            if (!plain(c)) {
                throw new IllegalArgumentException("not a plain path component: '" + GuestNames.escape(c) + "'");
            }
        }
        this.components = components.stream().map(byte[]::clone).toList();
    }

    /** A path the user asked for, as text (its UTF-8 bytes). */
    public static GuestPath parse(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new CofferException(ErrorCode.InvalidArgument, "a path in a point's file system is absolute (starts with /), not '"
                    + path + "'");
        }
        return split(path.getBytes(StandardCharsets.UTF_8), path);
    }

    /**
     * A path the user asked for in the escaped form {@code files ls} and {@code files search} print
     * ({@link GuestNames#unescape}): {@code /srv/caf\xe9} is the bytes {@code /srv/caf} and 0xE9.
     */
    public static GuestPath parseEscaped(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new CofferException(ErrorCode.InvalidArgument, "a path in a point's file system is absolute (starts with /), not '"
                    + path + "'");
        }
        byte[] bytes;
        try {
            bytes = GuestNames.unescape(path);
        } catch (IllegalArgumentException e) {
            throw new CofferException(ErrorCode.InvalidArgument, "path '" + path + "': " + e.getMessage());
        }
        return split(bytes, path);
    }

    /** A requested path: {@link #parseEscaped} when {@code escaped}, else {@link #parse}. */
    public static GuestPath parse(String path, boolean escaped) {
        return escaped ? parseEscaped(path) : parse(path);
    }

    private static GuestPath split(byte[] bytes, String shown) {
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] == 0) {
                throw new CofferException(ErrorCode.InvalidArgument, "a path cannot hold a NUL character");
            }
            if (i == bytes.length || bytes[i] == '/') {
                byte[] part = Arrays.copyOfRange(bytes, from, i);
                from = i + 1;
                if (part.length == 0 || Arrays.equals(part, DOT)) {
                    continue;
                }
                if (Arrays.equals(part, DOT_DOT)) {
                    throw new CofferException(ErrorCode.InvalidArgument, "'..' is not allowed in a path: '" + shown + "'");
                }
                parts.add(part);
            }
        }
        return new GuestPath(parts);
    }

    private static final byte[] DOT = {'.'};
    private static final byte[] DOT_DOT = {'.', '.'};

    /** Whether a name listed from a guest's directory is one plain component. */
    public static boolean plain(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    /** Whether a name listed from a guest's directory (bytes) is one plain component. */
    public static boolean plain(byte[] name) {
        if (name.length == 0 || Arrays.equals(name, DOT) || Arrays.equals(name, DOT_DOT)) {
            return false;
        }
        for (byte b : name) {
            if (b == '/' || b == 0) {
                return false;
            }
        }
        return true;
    }

    /** This path with one listed name appended; the name must be {@linkplain #plain plain}. */
    public GuestPath child(String name) {
        return child(name.getBytes(StandardCharsets.UTF_8));
    }

    /** This path with one listed name (bytes) appended; the name must be {@linkplain #plain plain}. */
    public GuestPath child(byte[] name) {
        List<byte[]> parts = new ArrayList<>(components);
        parts.add(name);
        return new GuestPath(parts);
    }

    /** The absolute path as the guest stores it, for libguestfs: {@code /etc/hosts}, {@code /} for the root. */
    public byte[] bytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (components.isEmpty()) {
            out.write('/');
        }
        for (byte[] c : components) {
            out.write('/');
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    /** The last component's bytes; the root has none. */
    public byte[] name() {
        if (components.isEmpty()) {
            throw new IllegalStateException("the root has no name");
        }
        return components.getLast().clone();
    }

    /**
     * The absolute path as text: itself when its bytes are UTF-8, else {@linkplain GuestNames#escape escaped} (what
     * {@link #parseEscaped} reads back).
     */
    public String absolute() {
        return GuestNames.text(bytes());
    }

    /**
     * The name inside an archive: relative, {@code etc/hosts}; a directory's ends with {@code /}. A component that is
     * not UTF-8 is given escaped, a UTF-8 one with its backslashes doubled ({@link GuestNames#archive}: tar's long names
     * are UTF-8 text, docs/design/live-access.md), so distinct paths have distinct names.
     */
    public String archiveName(boolean directory) {
        String name = String.join("/", components.stream().map(GuestNames::archive).toList());
        return directory && !name.isEmpty() ? name + "/" : name;
    }

    public boolean isRoot() {
        return components.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GuestPath other) || other.components.size() != components.size()) {
            return false;
        }
        for (int i = 0; i < components.size(); i++) {
            if (!Arrays.equals(components.get(i), other.components.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (byte[] c : components) {
            h = 31 * h + Arrays.hashCode(c);
        }
        return h;
    }

    @Override
    public String toString() {
        return absolute();
    }
}
