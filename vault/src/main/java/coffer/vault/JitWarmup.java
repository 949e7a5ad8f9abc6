package coffer.vault;

import coffer.vault.format.ObjectKind;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the chunk pipeline (zero check, digest, zstd sampling and compression, AES-GCM or CRC-32C) onto
 * compiled code with its CPU intrinsics before bulk work starts.
 *
 * <p>Why: the JDK's AES-GCM, SHA-256 and array-compare intrinsics exist only in C2-compiled code, and C2
 * compiles a method after hundreds to thousands of invocations. Called once per 512 KiB chunk, GHASH runs
 * interpreted at ~60 MB/s for the first several hundred megabytes of a backup (measured on JDK 25:
 * 58 MB/s cold, 2.8 GB/s compiled), halving the throughput of a CLI run. The same code on 16 KiB
 * buffers reaches the thresholds in a fraction of a second; a second phase checks with 128 KiB buffers
 * that fast code is installed, and gives up after a bounded time. Runs once per JVM on the calling
 * thread (or in the background, see {@link #startInBackground}), with the vault's own codec and digester (the exact methods bulk work calls) on throwaway data,
 * and stores nothing.
 *
 * <p>Thread-safe.
 */
public final class JitWarmup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final java.util.concurrent.CompletableFuture<Void> DONE = new java.util.concurrent.CompletableFuture<>();
    private static final long MAX_NANOS = 2_000_000_000L;

    private JitWarmup() {
    }

    /** Starts the warm-up on a background thread (e.g. while a backup is being planned); returns at once. */
    public static void startInBackground(Vault vault) {
        if (!needed(vault)) {
            return;
        }
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("jit-warmup").start(() -> runOnce(vault));
        }
    }

    /** Warms up unless already done in this JVM; waits for a warm-up already running. */
    public static void ensure(Vault vault) {
        if (!needed(vault)) {
            return;
        }
        if (STARTED.compareAndSet(false, true)) {
            runOnce(vault);
        }
        DONE.join();
    }

    /**
     * Only the JDK's crypto needs warming: with libcrypto (see {@code coffer.vault.crypto.LibCrypto}) the chunk
     * work is native from the first call, and a warm-up would only take CPU from the real work.
     */
    static boolean needed(Vault vault) {
        return !(vault.codec().nativeCode() && vault.digester().nativeCode());
    }

    private static void runOnce(Vault vault) {
        try {
            run(vault);
            DONE.complete(null);
        } catch (IOException | RuntimeException e) {
            DONE.complete(null); // a failed warm-up only costs speed
        }
    }

    private static void run(Vault vault) throws IOException {
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(42);
        byte[] small = new byte[16 * 1024];
        byte[] zeros = new byte[small.length];
        byte[] into = new byte[small.length];
        for (int i = 0; i < 2000 && System.nanoTime() - start < MAX_NANOS; i++) {
            fill(small, i % 3, random);
            chunk(vault, small, zeros, into);
        }
        byte[] big = new byte[128 * 1024];
        byte[] bigZeros = new byte[big.length];
        byte[] bigInto = new byte[big.length];
        int fastInARow = 0;
        for (int i = 0; fastInARow < 3 && System.nanoTime() - start < MAX_NANOS; i++) {
            fill(big, 0, random);
            long t = System.nanoTime();
            chunk(vault, big, bigZeros, bigInto);
            // compare, digest, encrypt, decrypt: four passes over 128 KiB in under 0.5 ms is > 1 GB/s each
            fastInARow = System.nanoTime() - t < 500_000 ? fastInARow + 1 : 0;
        }
    }

    private static void chunk(Vault vault, byte[] data, byte[] zeros, byte[] into) throws IOException {
        if (Arrays.equals(data, 0, data.length, zeros, 0, data.length)) {
            return;
        }
        ChunkId id = vault.digester().digest(data, 0, data.length);
        String name = id.objectName();
        var sealed = vault.codec().seal(ObjectKind.CHUNK, name, data, data.length, true);
        vault.codec().open(ObjectKind.CHUNK, name, sealed, into);
    }

    /** kind 0: random (incompressible), 1: text-like (compressible), 2: zeros. */
    private static void fill(byte[] buffer, int kind, SplittableRandom random) {
        switch (kind) {
            case 0 -> random.nextBytes(buffer);
            case 1 -> {
                for (int i = 0; i < buffer.length; i++) {
                    buffer[i] = (byte) ('a' + random.nextInt(6));
                }
            }
            default -> Arrays.fill(buffer, (byte) 0);
        }
    }
}
