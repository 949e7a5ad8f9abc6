package coffer.vault.crypto;

import coffer.testing.Environment;
import coffer.vault.ChunkId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A libcrypto that lacks a function the vault calls, or one whose function does not bind, must leave the work to the
 * JDK from the first byte (decided once, before any data of that kind), not fail at the first chunk; and what either
 * path seals the other opens.
 */
class LibCryptoFallbackTest {
    private final SplittableRandom random = new SplittableRandom(11);
    private SymbolLookup real;
    private SecretKey key;

    @BeforeEach
    void library() {
        Environment.need(LibCrypto.get().isPresent(), "libcrypto.so.3 (OpenSSL 3) could not be loaded");
        real = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        key = new SecretKeySpec(bytes(32), "AES");
    }

    @Test
    void theRealLibraryBindsEveryKindOnItsFirstUse() throws Exception {
        Optional<LibCrypto> lib = LibCrypto.load(real);
        assertTrue(lib.isPresent());
        AesGcm cipher = AesGcm.of(key, lib);
        sealedByOneOpensWithTheOther(cipher, AesGcm.jdk(key));
        assertTrue(lib.get().cipher().bound());
        assertTrue(cipher.nativeCode());
        assertFalse(lib.get().digest().failed(), "not bound yet, not failed");
        byte[] data = bytes(1000);
        ChunkDigester sha256 = ChunkDigester.sha256(lib);
        assertEquals(ChunkDigester.jdkSha256().digest(data, 0, 1000), sha256.digest(data, 0, 1000));
        assertTrue(sha256.nativeCode());
        assertTrue(lib.get().digest().bound());
        SecretKey idKey = new SecretKeySpec(bytes(32), "HmacSHA256");
        ChunkDigester hmac = ChunkDigester.hmacSha256(idKey, lib);
        assertEquals(ChunkDigester.jdkHmacSha256(idKey).digest(data, 0, 1000), hmac.digest(data, 0, 1000));
        assertTrue(hmac.nativeCode());
        assertTrue(lib.get().hmac().bound());
        assertFalse(lib.get().cipher().failed() || lib.get().digest().failed() || lib.get().hmac().failed());
    }

    @Test
    void onlyOnTheCallingConventionsItsShapesAreWrittenForIsLibcryptoUsed() throws Exception {
        // the running machine's os.arch decides for LibCrypto.get(); these are what it decides on other machines
        for (String arch : new String[] {"amd64", "x86_64", "aarch64"}) {
            assertTrue(LibCrypto.load(arch, real).isPresent(), arch);
        }
        for (String arch : new String[] {"x86", "i386", "arm", "riscv64", "ppc64le", "s390x", "loongarch64"}) {
            Optional<LibCrypto> lib = LibCrypto.load(arch, real);
            assertTrue(lib.isEmpty(), arch + ": its C calling convention may not ignore the wider shapes' spare arguments");
            AesGcm cipher = AesGcm.of(key, lib);
            assertFalse(cipher.nativeCode(), arch);
            assertFalse(ChunkDigester.sha256(lib).nativeCode(), arch);
            assertFalse(ChunkDigester.hmacSha256(new SecretKeySpec(bytes(32), "HmacSHA256"), lib).nativeCode(), arch);
            sealedByOneOpensWithTheOther(cipher, AesGcm.jdk(key));
        }
        assertEquals(LibCrypto.load(real).isPresent(), LibCrypto.load(System.getProperty("os.arch"), real).isPresent());
    }

    @Test
    void aMissingFunctionMeansTheJdkForEverything() throws Exception {
        SymbolLookup withoutHmac = name -> name.equals("HMAC") ? Optional.empty() : real.find(name);
        Optional<LibCrypto> lib = LibCrypto.load(withoutHmac);
        assertTrue(lib.isEmpty(), "a libcrypto without HMAC is not used");
        AesGcm cipher = AesGcm.of(key, lib);
        assertFalse(cipher.nativeCode());
        assertFalse(ChunkDigester.sha256(lib).nativeCode());
        sealedByOneOpensWithTheOther(cipher, AesGcm.of(key));
    }

    @Test
    void aCipherFunctionThatDoesNotBindMeansTheJdksCipherBeforeAnyData() throws Exception {
        // found, but the linker refuses it (a NULL symbol): before lazy binding this chose the JDK at load
        Optional<LibCrypto> lib = LibCrypto.load(unbindable("EVP_DecryptFinal_ex"));
        assertTrue(lib.isPresent(), "every symbol is found");
        AesGcm cipher = AesGcm.of(key, lib);
        assertTrue(cipher.nativeCode(), "expected native until the first call: asking binds nothing");
        // the first call decides, and the JDK does it (before the fix it threw here)
        sealedByOneOpensWithTheOther(cipher, AesGcm.of(key));
        assertFalse(cipher.nativeCode(), "the cipher's functions did not bind: the JDK's cipher");
        assertFalse(lib.get().cipher().bound(), "decided once");
        assertTrue(lib.get().cipher().failed());
        assertFalse(AesGcm.of(key, lib).nativeCode());
        // the kinds whose functions bind still run in libcrypto
        assertTrue(ChunkDigester.sha256(lib).nativeCode());
    }

    @Test
    void aDigestThatDoesNotBindMeansTheJdksDigestWithTheSameIds() {
        Optional<LibCrypto> lib = LibCrypto.load(unbindable("HMAC"));
        SecretKey idKey = new SecretKeySpec(bytes(32), "HmacSHA256");
        ChunkDigester fallback = ChunkDigester.hmacSha256(idKey, lib);
        ChunkDigester usual = ChunkDigester.hmacSha256(idKey);
        byte[] data = bytes(300_001);
        ChunkId id = fallback.digest(data, 1, 300_000); // data first: the first digest decides
        assertEquals(usual.digest(data, 1, 300_000), id);
        assertFalse(fallback.nativeCode());
        assertTrue(usual.nativeCode());
        assertEquals("hmac-sha256", fallback.algorithm());

        Optional<LibCrypto> noDigest = LibCrypto.load(unbindable("EVP_Digest"));
        ChunkDigester sha256 = ChunkDigester.sha256(noDigest);
        assertEquals(ChunkDigester.sha256().digest(data, 0, data.length), sha256.digest(data, 0, data.length));
        assertFalse(sha256.nativeCode());
        assertTrue(noDigest.get().digest().failed());
        assertTrue(noDigest.get().cipher().bound(), "the cipher's functions bind");
        assertFalse(noDigest.get().hmac().failed());
    }

    private SymbolLookup unbindable(String function) {
        return name -> name.equals(function) ? Optional.of(MemorySegment.NULL) : real.find(name);
    }

    private void sealedByOneOpensWithTheOther(AesGcm a, AesGcm b) throws Exception {
        for (int length : new int[] {0, 17, 524_291}) {
            byte[] plain = bytes(length);
            byte[] nonce = bytes(12);
            byte[] aad = bytes(40);
            byte[] byA = new byte[length + 16];
            byte[] byB = new byte[length + 16];
            assertEquals(length + 16, a.encrypt(nonce, aad, plain, 0, length, byA, 0));
            assertEquals(length + 16, b.encrypt(nonce, aad, plain, 0, length, byB, 0));
            assertArrayEquals(byA, byB);
            byte[] back = new byte[length];
            assertEquals(length, b.decrypt(nonce, 0, aad, byA, 0, byA.length, back, 0));
            assertArrayEquals(plain, back);
            Arrays.fill(back, (byte) 0);
            assertEquals(length, a.decrypt(nonce, 0, aad, byB, 0, byB.length, back, 0));
            assertArrayEquals(plain, back);
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
