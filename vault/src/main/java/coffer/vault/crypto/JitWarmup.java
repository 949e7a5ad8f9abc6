package coffer.vault.crypto;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Gets the JDK's AES-GCM, HMAC/SHA-256 and CRC-32C onto their CPU intrinsics before bulk work starts.
 *
 * <p>Why: those intrinsics exist only in C2-compiled code, and C2 compiles a method after hundreds of
 * invocations. Called once per 512 KiB chunk, GHASH runs interpreted at ~60 MB/s for the first several
 * hundred megabytes of a backup (measured on JDK 25: 58 MB/s cold, ~3 GB/s warm). Many small operations
 * reach the compile thresholds in a fraction of a second; the second phase checks, with 128 KiB
 * operations, that the fast code is installed, and gives up after a bounded time. Runs once per JVM,
 * on the calling thread (~0.3-0.5 s), keys and data are throwaway zeros.
 *
 * <p>Thread-safe.
 */
public final class JitWarmup {
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final long MAX_NANOS = 1_500_000_000L;

    private JitWarmup() {
    }

    /** Warms up unless already done in this JVM. */
    public static void ensure() {
        if (DONE.compareAndSet(false, true)) {
            try {
                run();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM / SHA-256 unavailable", e);
            }
        }
    }

    private static void run() throws GeneralSecurityException {
        SecretKey key = new SecretKeySpec(new byte[32], "AES");
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long start = System.nanoTime();
        byte[] small = new byte[1024];
        byte[] smallOut = new byte[small.length + 16];
        int i = 0;
        for (; i < 1500 && System.nanoTime() - start < MAX_NANOS; i++) {
            operation(cipher, key, mac, sha, small, smallOut, i);
        }
        byte[] big = new byte[128 * 1024];
        byte[] bigOut = new byte[big.length + 16];
        int fastInARow = 0;
        while (fastInARow < 3 && System.nanoTime() - start < MAX_NANOS) {
            long t = System.nanoTime();
            operation(cipher, key, mac, sha, big, bigOut, i++);
            // five passes over 128 KiB in under 0.6 ms means > 1 GB/s per pass: compiled
            fastInARow = System.nanoTime() - t < 600_000 ? fastInARow + 1 : 0;
        }
    }

    private static void operation(Cipher cipher, SecretKey key, Mac mac, MessageDigest sha, byte[] in, byte[] out, int i)
            throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        nonce[0] = (byte) i;
        nonce[1] = (byte) (i >>> 8);
        nonce[2] = (byte) (i >>> 16);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        int n = cipher.doFinal(in, 0, in.length, out, 0);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.doFinal(out, 0, n, in, 0);
        mac.update(in);
        mac.doFinal();
        sha.update(in);
        sha.digest();
        CRC32C crc = new CRC32C();
        crc.update(in);
    }
}
