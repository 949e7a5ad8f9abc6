package coffer.vault.crypto;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * SHA-256 of data given in pieces (an index kept in a file, a block at a time: docs/format/index.md, "Memory"): by
 * libcrypto where it loads and binds, else by the JDK, whose SHA-256 runs without its CPU intrinsics in the command
 * line's C1-compiled code (53 % of the CPU of a command reading a 16 TiB disk's index, docs/performance.md, "Session 21").
 *
 * <p>One use: {@link #update} any number of times, then {@link #digest} once. Not thread-safe. {@link #close} frees
 * the native context of one not finished.
 */
public final class StreamingSha256 implements AutoCloseable {
    private final LibCrypto lib;
    private MemorySegment ctx;
    private final MessageDigest jdk;

    private StreamingSha256(LibCrypto lib, MessageDigest jdk) {
        this.lib = lib;
        this.ctx = lib == null ? null : lib.sha256Begin();
        this.jdk = jdk;
    }

    public static StreamingSha256 create() {
        return create(LibCrypto.get());
    }

    static StreamingSha256 create(Optional<LibCrypto> libCrypto) {
        if (libCrypto.isPresent() && libCrypto.get().streamDigest().bound()) {
            return new StreamingSha256(libCrypto.get(), null);
        }
        try {
            return new StreamingSha256(null, MessageDigest.getInstance("SHA-256"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void update(byte[] data, int offset, int length) {
        if (lib == null) {
            jdk.update(data, offset, length);
        } else if (length > 0) {
            lib.sha256Update(ctx, data, offset, length);
        }
    }

    public void update(byte[] data) {
        update(data, 0, data.length);
    }

    public byte[] digest() {
        if (lib == null) {
            return jdk.digest();
        }
        MemorySegment done = ctx;
        ctx = null;
        return lib.sha256End(done);
    }

    @Override
    public void close() {
        if (ctx != null) {
            lib.sha256Free(ctx);
            ctx = null;
        }
    }
}
