package coffer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A disk with chosen files, for the tests of a point's files: a directory's files put into a new raw image holding an
 * ext4 file system, made on the host ({@link #ext4}: {@code mkfs.ext4 -d}); names a Java string cannot make (bytes that are not
 * UTF-8) are made by the shell ({@link #shell}). The test then backs the image up and reads it back through
 * libguestfs.
 *
 * <p>Stateless; thread-safe.
 */
public final class DiskWithFiles {
    private DiskWithFiles() {
    }

    /** Skips (or in CI fails) unless {@code mkfs.ext4} is on the PATH and libguestfs is installed ({@link #ext4}). */
    public static void requireTools() {
        Environment.requireCommand("mkfs.ext4");
        requireLibguestfs();
    }

    /** Skips (or in CI fails) unless libguestfs, which reads a point's files, is installed. */
    public static void requireLibguestfs() {
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libguestfs.so.0")), "libguestfs0 (Debian package)");
    }

    /** Makes {@code image}, a raw image of {@code size} ({@code mkfs.ext4}'s notation: 16M) holding {@code tree}'s files. */
    public static Path ext4(Path tree, Path image, String size) throws IOException, InterruptedException {
        run("mkfs.ext4", "-q", "-F", "-d", tree.toString(), image.toString(), size);
        return image;
    }

    /**
     * Runs {@code sh -c script} with {@code dir} as {@code $1}, failing the test unless it exits 0: for files whose
     * names are bytes, e.g. {@code printf bad > "$1/$(printf 'x\\377')"}.
     */
    public static void shell(String script, Path dir) throws IOException, InterruptedException {
        run("sh", "-c", script, "sh", dir.toString());
    }

    /** Runs {@code command} (another file system's tools, say), failing the test unless it exits 0. */
    public static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        int status = process.waitFor();
        if (status != 0) {
            throw new AssertionError(String.join(" ", command) + ": exit status " + status + ": " + out);
        }
    }
}
