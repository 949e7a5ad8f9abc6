package coffer.vault.crypto;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.Optional;

import coffer.vault.ffm.CallShapes;
import coffer.vault.ffm.Downcall;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few OpenSSL 3 libcrypto functions the vault uses (AES-256-GCM through the EVP cipher API, SHA-256
 * through {@code EVP_Digest}, HMAC-SHA-256 through the one-shot {@code HMAC}), bound with the FFM API.
 *
 * <p>Why not only the JDK: its AES-GCM, GHASH and SHA-256 run fast only once C2 has compiled the calling
 * methods with their CPU intrinsics, which takes hundreds of calls; every {@code coffer} command started cold
 * and spent up to a second of CPU (on two cores, half the machine) warming up before its first fast chunk.
 * libcrypto uses AES-NI, PCLMULQDQ and SHA extensions from the first call. The JDK stays the fallback where
 * {@code libcrypto.so.3} is missing, or the machine is neither x86-64 nor AArch64 (the functions are bound with
 * shapes wider than their prototypes, safe on those two C calling conventions only: {@link CallShapes}), and both
 * produce the same bytes (tested both ways).
 *
 * <p>Whether libcrypto does a kind of work is decided once, before any data of that kind is processed: every symbol
 * is found when the library loads ({@code dlsym}, cheap; one missing: the JDK does all of it), and the functions of
 * one kind (the cipher's, the digest, the HMAC) are bound ({@link Downcall}) together on that kind's first use (an
 * engine's first call), so a command binds only the kinds it uses, and a kind whose functions do not bind is done by
 * the JDK from its first byte on, never switched in the middle of a run. Binding when the engines were made, or when
 * a backup asked whether to warm the JIT up ({@code nativeCode()}, which now answers from what is known: libcrypto
 * is expected to work until a binding failed), cost a command that opens a vault and stops early 0.03-0.06 s of CPU
 * (docs/performance.md, session 15). Calls that take the caller's arrays are linked
 * {@linkplain Linker.Option#critical critical} with heap
 * access: no copy into native memory, and none of these functions calls back into Java. Thread-safe: the
 * functions are, and every call here uses its own context.
 */
final class LibCrypto {
    private static final Linker.Option HEAP = Linker.Option.critical(true);
    private static final int EVP_CTRL_GCM_GET_TAG = 0x10;
    private static final int EVP_CTRL_GCM_SET_TAG = 0x11;
    private static final Optional<LibCrypto> INSTANCE = load();

    private final Downcall ctxNew;
    private final Downcall ctxFree;
    private final Downcall encryptInit;
    private final Downcall encryptUpdate;
    private final Downcall encryptFinal;
    private final Downcall decryptInit;
    private final Downcall decryptUpdate;
    private final Downcall decryptFinal;
    private final Downcall ctrl;
    private final Downcall digestCall;
    private final Downcall hmacCall;
    private final Downcall mdCtxNew;
    private final Downcall mdCtxFree;
    private final Downcall digestInit;
    private final Downcall digestUpdate;
    private final Downcall digestFinal;
    private final MemorySegment aes256Gcm;
    private final MemorySegment sha256;
    private final Kind cipherKind;
    private final Kind digestKind;
    private final Kind hmacKind;
    private final Kind streamKind;

    private LibCrypto(SymbolLookup lib) throws Throwable {
        // Fewer shapes than prototypes: each shape bound spins a stub class and about ten LambdaForm classes the
        // start-up cache does not keep (docs/performance.md, session 15). A function with fewer integer and pointer
        // arguments than its shape is called with NULLs after its own, which it ignores (they are only registers on
        // x86-64 System V and AArch64, the only machines libcrypto is used on: CallShapes); a void function's
        // result register is ignored.
        FunctionDescriptor pointerOf3 = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        ctxNew = plain(lib, "EVP_CIPHER_CTX_new", pointerOf3); // EVP_CIPHER_CTX *(void)
        ctxFree = plain(lib, "EVP_CIPHER_CTX_free", pointerOf3); // void (EVP_CIPHER_CTX *)
        FunctionDescriptor init = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        FunctionDescriptor update = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        encryptInit = heap(lib, "EVP_EncryptInit_ex", init);
        encryptUpdate = heap(lib, "EVP_EncryptUpdate", update);
        encryptFinal = heap(lib, "EVP_EncryptFinal_ex", init); // int (ctx, out, outl): init's shape
        decryptInit = heap(lib, "EVP_DecryptInit_ex", init);
        decryptUpdate = heap(lib, "EVP_DecryptUpdate", update);
        decryptFinal = heap(lib, "EVP_DecryptFinal_ex", init); // int (ctx, out, outl): init's shape
        ctrl = heap(lib, "EVP_CIPHER_CTX_ctrl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        digestCall = heap(lib, "EVP_Digest",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        hmacCall = heap(lib, "HMAC",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        // SHA-256 over more than one array (an index kept in a file: docs/format/index.md, "Memory"); its own kind, bound
        // only by a command that digests such an index
        mdCtxNew = plain(lib, "EVP_MD_CTX_new", pointerOf3); // EVP_MD_CTX *(void)
        mdCtxFree = plain(lib, "EVP_MD_CTX_free", pointerOf3); // void (EVP_MD_CTX *)
        digestInit = heap(lib, "EVP_DigestInit_ex", init); // int (ctx, type, impl): init's shape
        digestUpdate = heap(lib, "EVP_DigestUpdate", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        digestFinal = heap(lib, "EVP_DigestFinal_ex", init); // int (ctx, md, unsigned int *s)
        Downcall cipherFetch = plain(lib, "EVP_CIPHER_fetch", pointerOf3);
        Downcall mdFetch = plain(lib, "EVP_MD_fetch", pointerOf3);
        try (Arena arena = Arena.ofConfined()) {
            // fetched once, kept for the life of the process (explicit fetches skip a per-call lookup)
            aes256Gcm = (MemorySegment) cipherFetch.handle().invokeExact(MemorySegment.NULL, arena.allocateFrom("AES-256-GCM"),
                    MemorySegment.NULL);
            sha256 = (MemorySegment) mdFetch.handle().invokeExact(MemorySegment.NULL, arena.allocateFrom("SHA2-256"),
                    MemorySegment.NULL);
        }
        if (aes256Gcm.equals(MemorySegment.NULL) || sha256.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("libcrypto has no AES-256-GCM or SHA2-256");
        }
        cipherKind = new Kind(ctxNew, ctxFree, encryptInit, encryptUpdate, encryptFinal, decryptInit, decryptUpdate,
                decryptFinal, ctrl);
        digestKind = new Kind(digestCall);
        hmacKind = new Kind(hmacCall);
        streamKind = new Kind(mdCtxNew, mdCtxFree, digestInit, digestUpdate, digestFinal);
    }

    /**
     * libcrypto when it can be loaded and has every function the vault needs (found, not yet bound); empty means:
     * use the JDK.
     */
    static Optional<LibCrypto> get() {
        return INSTANCE;
    }

    /** The cipher's functions (the {@code EVP_CIPHER_CTX} calls and AES-256-GCM's), bound together. */
    Kind cipher() {
        return cipherKind;
    }

    /** {@code EVP_Digest}, for SHA-256. */
    Kind digest() {
        return digestKind;
    }

    /** {@code EVP_MD_CTX} and {@code EVP_Digest{Init,Update,Final}}, for SHA-256 of a stream. */
    Kind streamDigest() {
        return streamKind;
    }

    /** A new SHA-256 context; free it with {@link #sha256End} or {@link #sha256Free}. */
    MemorySegment sha256Begin() {
        try {
            MemorySegment ctx = (MemorySegment) mdCtxNew.handle().invokeExact(MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("EVP_MD_CTX_new");
            }
            try {
                check((int) digestInit.handle().invokeExact(ctx, sha256, MemorySegment.NULL, MemorySegment.NULL,
                        MemorySegment.NULL), "EVP_DigestInit_ex");
            } catch (Throwable e) {
                sha256Free(ctx);
                throw e;
            }
            return ctx;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    void sha256Update(MemorySegment ctx, byte[] data, int offset, int length) {
        try {
            check((int) digestUpdate.handle().invokeExact(ctx, of(data, offset, length), (long) length), "EVP_DigestUpdate");
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** The digest; frees {@code ctx}. */
    byte[] sha256End(MemorySegment ctx) {
        byte[] md = new byte[32];
        try {
            check((int) digestFinal.handle().invokeExact(ctx, MemorySegment.ofArray(md), MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL), "EVP_DigestFinal_ex");
            return md;
        } catch (Throwable e) {
            throw rethrow(e);
        } finally {
            sha256Free(ctx);
        }
    }

    void sha256Free(MemorySegment ctx) {
        try {
            MemorySegment ignored = (MemorySegment) mdCtxFree.handle().invokeExact(ctx, MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code HMAC}, for HMAC-SHA-256. */
    Kind hmac() {
        return hmacKind;
    }

    private static Optional<LibCrypto> load() {
        if ("jdk".equals(System.getProperty("coffer.crypto", System.getenv("COFFER_CRYPTO")))) {
            return Optional.empty();
        }
        try {
            return load(SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global()));
        } catch (Throwable e) {
            return Optional.empty(); // no OpenSSL 3 here: the JDK's providers do the same work, slower when cold
        }
    }

    /** libcrypto's functions found in {@code lib}, on this machine; see {@link #load(String, SymbolLookup)}. */
    static Optional<LibCrypto> load(SymbolLookup lib) {
        return load(System.getProperty("os.arch"), lib);
    }

    /**
     * libcrypto's functions found in {@code lib}, on a machine whose {@code os.arch} is {@code arch}. Empty (the JDK
     * does the work) when a function is missing, the algorithms are not there, or {@code arch}'s C calling convention
     * is not one where the wider shapes the functions are bound with are safe ({@link CallShapes}).
     */
    static Optional<LibCrypto> load(String arch, SymbolLookup lib) {
        if (!CallShapes.safeOn(arch)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LibCrypto(lib));
        } catch (Throwable e) {
            return Optional.empty(); // a libcrypto without a function the vault calls: the JDK does the work
        }
    }

    /**
     * The functions one kind of work calls, bound together on the kind's first use: binding fails for all of a kind's
     * data or for none of it.
     */
    static final class Kind {
        private final Downcall[] functions;
        private volatile Boolean bound;

        private Kind(Downcall... functions) {
            this.functions = functions;
        }

        /** True when the kind's functions are bound; binds them on the first call, false for good if that failed. */
        boolean bound() {
            Boolean known = bound;
            return known != null ? known : bind();
        }

        /**
         * True once the kind's functions failed to bind; false while they are not bound yet (binds nothing: asking
         * whether the work will be native, e.g. for a JIT warm-up, is no reason to bind before any data comes).
         */
        boolean failed() {
            return Boolean.FALSE.equals(bound);
        }

        private synchronized boolean bind() {
            if (bound == null) {
                try {
                    for (Downcall function : functions) {
                        function.handle();
                    }
                    bound = true;
                } catch (Throwable e) {
                    bound = false; // as when the library was bound at once: a binding that fails means the JDK
                }
            }
            return bound;
        }
    }

    private static Downcall plain(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        return Downcall.find(lib, name, "no " + name + " in libcrypto", descriptor);
    }

    private static Downcall heap(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        return Downcall.find(lib, name, "no " + name + " in libcrypto", descriptor, HEAP);
    }

    private static MemorySegment of(byte[] array, int offset, int length) {
        return MemorySegment.ofArray(array).asSlice(offset, length);
    }

    /**
     * AES-256-GCM encryption of {@code in[inOffset, +length)} with a 12-byte nonce: ciphertext then the
     * 16-byte tag at {@code out[outOffset]}. Returns the bytes written ({@code length + 16}).
     */
    int encrypt(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        MemorySegment ctx = gcmBegin(true, key, nonce, 0, aad);
        try {
            int total = gcmUpdate(ctx, true, in, inOffset, length, out, outOffset);
            byte[] tag = gcmEncryptEnd(ctx);
            System.arraycopy(tag, 0, out, outOffset + total, 16);
            return total + 16;
        } finally {
            freeContext(ctx);
        }
    }

    /**
     * AES-256-GCM decryption of {@code in[inOffset, +length)} (ciphertext then 16-byte tag) into
     * {@code out[outOffset]}. False when the tag does not authenticate (damaged, or another key); the output
     * then holds unauthenticated bytes the caller must not use.
     */
    boolean decrypt(byte[] key, byte[] nonce, int nonceOffset, byte[] aad, byte[] in, int inOffset, int length,
                    byte[] out, int outOffset) {
        int cipherLength = length - 16;
        MemorySegment ctx = gcmBegin(false, key, nonce, nonceOffset, aad);
        try {
            gcmUpdate(ctx, false, in, inOffset, cipherLength, out, outOffset);
            return gcmDecryptEnd(ctx, in, inOffset + cipherLength);
        } finally {
            freeContext(ctx);
        }
    }

    /**
     * A new AES-256-GCM context set up to encrypt (or decrypt) under {@code key}, the 12-byte nonce at
     * {@code nonce[nonceOffset]} and {@code aad}; free it with {@link #gcmFree}.
     */
    MemorySegment gcmBegin(boolean encrypt, byte[] key, byte[] nonce, int nonceOffset, byte[] aad) {
        MemorySegment ctx = newContext();
        try {
            MemorySegment count = MemorySegment.ofArray(new int[1]);
            if (encrypt) {
                check((int) encryptInit.handle().invokeExact(ctx, aes256Gcm, MemorySegment.NULL, of(key, 0, key.length),
                        of(nonce, nonceOffset, 12)), "EVP_EncryptInit_ex");
                check((int) encryptUpdate.handle().invokeExact(ctx, MemorySegment.NULL, count, of(aad, 0, aad.length),
                        aad.length), "EVP_EncryptUpdate (AAD)");
            } else {
                check((int) decryptInit.handle().invokeExact(ctx, aes256Gcm, MemorySegment.NULL, of(key, 0, key.length),
                        of(nonce, nonceOffset, 12)), "EVP_DecryptInit_ex");
                check((int) decryptUpdate.handle().invokeExact(ctx, MemorySegment.NULL, count, of(aad, 0, aad.length),
                        aad.length), "EVP_DecryptUpdate (AAD)");
            }
            return ctx;
        } catch (Throwable e) {
            freeContext(ctx);
            throw rethrow(e);
        }
    }

    /** Encrypts (or decrypts) {@code in[inOffset, +length)} into {@code out[outOffset]}; returns the bytes written. */
    int gcmUpdate(MemorySegment ctx, boolean encrypt, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (length <= 0) {
            return 0;
        }
        int[] written = new int[1];
        try {
            if (encrypt) {
                check((int) encryptUpdate.handle().invokeExact(ctx, of(out, outOffset, length), MemorySegment.ofArray(written),
                        of(in, inOffset, length), length), "EVP_EncryptUpdate");
            } else {
                check((int) decryptUpdate.handle().invokeExact(ctx, of(out, outOffset, length), MemorySegment.ofArray(written),
                        of(in, inOffset, length), length), "EVP_DecryptUpdate");
            }
            return written[0];
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Ends an encryption (GCM writes no more ciphertext); returns the 16-byte tag. The context stays to be freed. */
    byte[] gcmEncryptEnd(MemorySegment ctx) {
        byte[] rest = new byte[16];
        byte[] tag = new byte[16];
        try {
            check((int) encryptFinal.handle().invokeExact(ctx, MemorySegment.ofArray(rest), MemorySegment.ofArray(new int[1]),
                    MemorySegment.NULL, MemorySegment.NULL), "EVP_EncryptFinal_ex");
            check((int) ctrl.handle().invokeExact(ctx, EVP_CTRL_GCM_GET_TAG, 16, MemorySegment.ofArray(tag)),
                    "EVP_CTRL_GCM_GET_TAG");
            return tag;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Ends a decryption: whether the 16-byte tag at {@code tag[tagOffset]} authenticates what was decrypted. */
    boolean gcmDecryptEnd(MemorySegment ctx, byte[] tag, int tagOffset) {
        byte[] rest = new byte[16];
        try {
            // the tag is copied: SET_TAG reads it during the call only
            check((int) ctrl.handle().invokeExact(ctx, EVP_CTRL_GCM_SET_TAG, 16, of(tag, tagOffset, 16)),
                    "EVP_CTRL_GCM_SET_TAG");
            return (int) decryptFinal.handle().invokeExact(ctx, MemorySegment.ofArray(rest), MemorySegment.ofArray(new int[1]),
                    MemorySegment.NULL, MemorySegment.NULL) > 0;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Frees a context of {@link #gcmBegin} (also wipes the key schedule). */
    void gcmFree(MemorySegment ctx) {
        freeContext(ctx);
    }

    /** SHA-256 of {@code data[offset, +length)}. */
    byte[] sha256(byte[] data, int offset, int length) {
        byte[] md = new byte[32];
        try {
            check((int) digestCall.handle().invokeExact(of(data, offset, length), (long) length, MemorySegment.ofArray(md),
                    MemorySegment.NULL, sha256, MemorySegment.NULL), "EVP_Digest");
            return md;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** HMAC-SHA-256 of {@code data[offset, +length)} under {@code key}. */
    byte[] hmacSha256(byte[] key, byte[] data, int offset, int length) {
        byte[] md = new byte[32];
        int[] mdLength = new int[1];
        try {
            MemorySegment result = (MemorySegment) hmacCall.handle().invokeExact(sha256, of(key, 0, key.length), key.length,
                    of(data, offset, length), (long) length, MemorySegment.ofArray(md), MemorySegment.ofArray(mdLength));
            if (result.equals(MemorySegment.NULL) || mdLength[0] != 32) {
                throw new IllegalStateException("libcrypto HMAC failed");
            }
            return md;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private MemorySegment newContext() {
        try {
            MemorySegment ctx = (MemorySegment) ctxNew.handle().invokeExact(MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("EVP_CIPHER_CTX_new");
            }
            return ctx;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private void freeContext(MemorySegment ctx) {
        try {
            MemorySegment ignored = (MemorySegment) ctxFree.handle().invokeExact(ctx, MemorySegment.NULL,
                    MemorySegment.NULL); // also wipes the key schedule
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static void check(int status, String call) {
        if (status != 1) {
            throw new IllegalStateException("libcrypto " + call + " failed");
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e);
    }
}
