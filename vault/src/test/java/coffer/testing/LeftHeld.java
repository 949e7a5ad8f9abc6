package coffer.testing;

import coffer.vault.backend.Backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * Claims and leases as a process of another host ({@value #HOST}) leaves them in a vault: the stored body of a claim
 * ({@code claims/<point id>/<uuid>}, kind {@code WRITE}) or a lease ({@code leases/<point id>/<uuid>}, kind
 * {@code SERVE}), docs/format/README.md. Written with an old {@code createdAt} (and, in a directory, as old a file),
 * one stands for a run killed for good, which gc removes as stale. Stateless.
 */
public final class LeftHeld {
    /** The host of the process that took them: not this one, so only their age can make them stale. */
    public static final String HOST = "kvm-99.example";

    private LeftHeld() {
    }

    /** The body of a claim or lease of {@code kind} taken at {@code createdAt} by process {@code pid} of {@link #HOST}. */
    public static byte[] body(String kind, long pid, String purpose, Instant createdAt) {
        return ("{\"kind\":\"" + kind + "\",\"host\":\"" + HOST + "\",\"pid\":" + pid + ",\"purpose\":\"" + purpose
                + "\",\"createdAt\":\"" + createdAt + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Puts object {@code name} of {@code kind} into {@code backend} (its age: the backend's clock's). */
    public static void put(Backend backend, String name, String kind, Instant createdAt) throws IOException {
        backend.put(name, ByteBuffer.wrap(body(kind, 42, "left by " + name, createdAt)));
    }

    /** Writes object {@code name} of {@code kind} into the vault in directory {@code vault}, its file as old as it says. */
    public static void inDirectory(Path vault, String name, String kind, Instant createdAt) throws IOException {
        Path file = vault.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, body(kind, 42, "left by " + name, createdAt));
        Files.setLastModifiedTime(file, FileTime.from(createdAt));
    }
}
