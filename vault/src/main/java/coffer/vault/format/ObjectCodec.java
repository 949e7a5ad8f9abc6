package coffer.vault.format;

import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.crypto.AesGcm;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32C;

/**
 * Seals and opens vault objects: the common envelope of docs/format/objects.md.
 *
 * <pre>
 * header (24 bytes, big-endian)
 *   0  4  magic "COFR"
 *   4  1  envelope version (1)
 *   5  1  kind (ObjectKind)
 *   6  1  flags: bit 0 = payload is zstd-compressed, bit 1 = payload is AES-256-GCM encrypted,
 *                bit 2 = payload is an LZ4 block (never with bit 0)
 *   7  1  reserved, 0
 *   8  8  plaintext length
 *  16  8  payload length (after compression, before encryption)
 * encrypted:   nonce (12) | ciphertext (payload length) | GCM tag (16); AAD = header || UTF-8 object name
 * unencrypted: payload (payload length) | CRC-32C of header and payload (4)
 * </pre>
 * Binding the object name into the AAD means an object copied or renamed to another name fails to open,
 * so a chunk's name (its keyed digest) vouches for its content without re-hashing.
 *
 * <p>New objects are compressed with the vault's {@link Compression}; objects of either codec open.
 *
 * <p>Thread-safe: per-thread buffers and compression contexts (the LZ4 compressor and decompressor are
 * stateless and shared). {@link #seal} returns a buffer owned by the
 * calling thread, valid until that thread's next {@code seal}.
 */
public final class ObjectCodec {
    public static final int HEADER_SIZE = 24;
    static final int MAGIC = 0x434F4652; // "COFR"
    static final int VERSION = 1;
    private static final int FLAG_ZSTD = 1;
    private static final int FLAG_AES_GCM = 2;
    private static final int FLAG_LZ4 = 4;
    /**
     * The LZ4 library's JNI binding where it loads (it ships the native code for this platform), else pure Java;
     * loaded on the first LZ4 object only: loading extracts and links a native library (~20-50 ms of every command's
     * start-up, docs/performance.md, session 12), which a zstd vault never needs.
     */
    /** Whether {@code stored} (not consumed) is an envelope whose header says its payload is encrypted (docs/format/objects.md). */
    public static boolean sealedEncrypted(ByteBuffer stored) {
        int at = stored.position();
        return stored.remaining() >= HEADER_SIZE && stored.getInt(at) == MAGIC && (stored.get(at + 6) & FLAG_AES_GCM) != 0;
    }

    private static final class Lz4 {
        static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
    }
    private static final int NONCE_SIZE = AesGcm.NONCE_SIZE;
    private static final int TAG_SIZE = AesGcm.TAG_SIZE;
    private static final int SAMPLE = 4096;

    private final AesGcm cipher;
    private final Compression compression;
    private final int level;
    private final ThreadLocal<Scratch> scratch;

    /** @param key the object key, or null for an unencrypted vault; @param level zstd level */
    public ObjectCodec(SecretKey key, int level) {
        this(key, Compression.ZSTD, level);
    }

    /**
     * @param key         the object key, or null for an unencrypted vault
     * @param compression the codec new objects are compressed with
     * @param level       the zstd level (ignored for LZ4)
     */
    public ObjectCodec(SecretKey key, Compression compression, int level) {
        this(compression, level, key == null ? null : AesGcm.of(key));
    }

    private ObjectCodec(Compression compression, int level, AesGcm cipher) {
        this.cipher = cipher;
        this.compression = compression;
        this.level = level;
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** A codec with the given cipher implementation (e.g. {@link AesGcm#jdk}, for cross-checks). */
    public static ObjectCodec using(AesGcm cipher, int level) {
        return new ObjectCodec(Compression.ZSTD, level, cipher);
    }

    /** The codec new objects are compressed with. */
    public Compression compression() {
        return compression;
    }

    public boolean encrypted() {
        return cipher != null;
    }

    /** True when sealing and opening run at full speed from the first call (no JIT warm-up needed). */
    public boolean nativeCode() {
        return cipher == null || cipher.nativeCode();
    }

    /** Largest sealed size of a plaintext of {@code length} bytes. */
    public static int maxSealedSize(int length) {
        return HEADER_SIZE + NONCE_SIZE + compressBound(length) + TAG_SIZE + 4;
    }

    /** The largest compressed size of {@code length} bytes by either codec. */
    private static int compressBound(int length) {
        // LZ4's LZ4_COMPRESSBOUND (lz4.h), the library's maxCompressedLength, without loading the library
        return (int) Math.max(Zstd.compressBound(length), (long) length + length / 255 + 16);
    }

    /**
     * Seals {@code plain[0, length)}. Compresses when that shrinks the payload by at least 1/32; with
     * {@code sampleFirst} a large input is first tried on three 4 KiB samples, so incompressible data costs
     * almost nothing to reject.
     */
    public ByteBuffer seal(ObjectKind kind, String name, byte[] plain, int length, boolean sampleFirst) {
        Scratch s = scratch.get();
        s.ensure(length);
        byte[] payload = plain;
        int payloadLength = length;
        int flags = 0;
        if (!sampleFirst || length < 4 * SAMPLE || looksCompressible(s, plain, length)) {
            int compressed = compress(s, plain, length, s.compressed);
            if (compressed > 0 && compressed <= length - (length >>> 5)) {
                payload = s.compressed;
                payloadLength = compressed;
                flags |= compression == Compression.LZ4 ? FLAG_LZ4 : FLAG_ZSTD;
            }
        }
        if (cipher != null) {
            flags |= FLAG_AES_GCM;
        }
        ByteBuffer out = ByteBuffer.wrap(s.sealed);
        writeHeader(out, kind, flags, length, payloadLength);
        if (cipher == null) {
            System.arraycopy(payload, 0, s.sealed, HEADER_SIZE, payloadLength);
            CRC32C crc = new CRC32C();
            crc.update(s.sealed, 0, HEADER_SIZE + payloadLength);
            int end = HEADER_SIZE + payloadLength;
            ByteBuffer.wrap(s.sealed, end, 4).putInt((int) crc.getValue());
            return ByteBuffer.wrap(s.sealed, 0, end + 4);
        }
        byte[] nonce = new byte[NONCE_SIZE];
        s.random().nextBytes(nonce);
        System.arraycopy(nonce, 0, s.sealed, HEADER_SIZE, NONCE_SIZE);
        int written = cipher.encrypt(nonce, aad(s.sealed, 0, name), payload, 0, payloadLength, s.sealed,
                HEADER_SIZE + NONCE_SIZE);
        return ByteBuffer.wrap(s.sealed, 0, HEADER_SIZE + NONCE_SIZE + written);
    }

    /** Writes a plaintext to a stream. */
    public interface PlainWriter {
        void writeTo(java.io.OutputStream out) throws java.io.IOException;
    }

    /** Reads a plaintext of a given length from a stream. */
    public interface PlainReader<T> {
        T readFrom(java.io.InputStream in, long length) throws java.io.IOException;
    }

    /**
     * A sealed object whose compressed payload waits in an unlinked temporary file ({@link SpoolFile}), to be written
     * as a stream of {@link #length()} bytes ({@code Backend.putStream}): neither the plaintext nor the payload is
     * held in memory (docs/format/index.md, "Memory"). Close it to free the file.
     */
    public final class Spooled implements AutoCloseable {
        private final SpoolFile payload;
        private final String name;
        private final byte[] header = new byte[HEADER_SIZE];
        private final long payloadLength;

        private Spooled(SpoolFile payload, ObjectKind kind, String name, long plainLength) throws java.io.IOException {
            this.payload = payload;
            this.name = name;
            this.payloadLength = payload.size();
            writeHeader(ByteBuffer.wrap(header), kind, FLAG_ZSTD | (cipher != null ? FLAG_AES_GCM : 0), plainLength,
                    payloadLength);
        }

        /** The sealed object's size in bytes. */
        public long length() {
            return HEADER_SIZE + (cipher != null ? NONCE_SIZE + payloadLength + TAG_SIZE : payloadLength + 4);
        }

        /** Writes the sealed object (each call under a new nonce: each is a whole object). */
        public void writeTo(java.io.OutputStream out) throws java.io.IOException {
            out.write(header);
            CRC32C crc = new CRC32C();
            byte[] nonce = null;
            if (cipher != null) {
                nonce = new byte[NONCE_SIZE];
                scratch.get().random().nextBytes(nonce);
                out.write(nonce);
            } else {
                crc.update(header);
            }
            byte[] block = new byte[1 << 16];
            byte[] sealed = new byte[block.length + TAG_SIZE];
            long left = payloadLength;
            try (java.io.InputStream in = payload.input();
                 AesGcm.Encryption gcm = cipher == null ? null : cipher.encryption(nonce, aad(header, 0, name))) {
                while (left > 0) {
                    int n = in.readNBytes(block, 0, (int) Math.min(block.length, left));
                    if (n <= 0) {
                        throw new java.io.EOFException(name + ": the spooled payload ended early");
                    }
                    left -= n;
                    if (gcm != null) {
                        out.write(sealed, 0, gcm.update(block, 0, n, sealed, 0));
                    } else {
                        crc.update(block, 0, n);
                        out.write(block, 0, n);
                    }
                }
                if (gcm != null) {
                    out.write(gcm.finish());
                }
            }
            if (cipher == null) {
                byte[] sum = new byte[4];
                ByteBuffer.wrap(sum).putInt((int) crc.getValue());
                out.write(sum);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            payload.close();
        }
    }

    /**
     * Seals a plaintext of {@code length} bytes, which may exceed any array, written by {@code plain} as a stream:
     * always zstd-compressed, whatever the vault's codec (every reader opens either), in the frame {@link #seal} writes
     * for the same plaintext ({@link ZstdFrameOutput}), the compressed payload spooled to an unlinked temporary file, so
     * nothing grows with the plaintext in memory (docs/format/index.md, "Memory"). Same envelope as {@link #seal}; the
     * object is written by {@link Spooled#writeTo}.
     */
    public Spooled sealSpooled(ObjectKind kind, String name, long length, PlainWriter plain) throws java.io.IOException {
        SpoolFile spool = SpoolFile.create();
        try {
            CountingOutput counted;
            java.io.OutputStream file = spool.output();
            try (ZstdFrameOutput zstd = new ZstdFrameOutput(file, level, length)) {
                counted = new CountingOutput(zstd);
                plain.writeTo(counted);
            }
            if (counted.count != length) {
                throw new IllegalStateException(name + ": wrote " + counted.count + " bytes of plaintext, " + length
                        + " declared");
            }
            return new Spooled(spool, kind, name, length);
        } catch (java.io.IOException | RuntimeException | Error e) {
            spool.close();
            throw e;
        }
    }

    /** Opens a sealed object given whole (for {@link #open(ObjectKind, String, java.io.InputStream, long, WholeReader, PlainReader)}). */
    public interface WholeReader<T> {
        T read(byte[] plain) throws java.io.IOException;
    }

    /**
     * Opens a sealed object read as a stream ({@code Backend.getStream}). One whose header declares at most
     * {@code wholeLimit} bytes of plaintext is read into an array of the size the header implies (refused first when
     * that size cannot belong to such a plaintext) and opened whole, its plaintext given to {@code whole}. A larger
     * one is authenticated as it is read, its decrypted payload spooled to an unlinked temporary file ({@link
     * SpoolFile}); only once the GCM tag (or the CRC-32C) and the size have checked is the payload decompressed and
     * given to {@code large} as a stream: nothing unauthenticated reaches a decoder, and memory does not grow with
     * the object (docs/format/index.md, "Memory"). The stream is read to its end, not closed.
     */
    public <T> T open(ObjectKind kind, String name, java.io.InputStream stored, long wholeLimit, WholeReader<T> whole,
                      PlainReader<T> large) throws java.io.IOException {
        byte[] head = stored.readNBytes(HEADER_SIZE);
        Header h = readHeader(kind, name, ByteBuffer.wrap(head), Long.MAX_VALUE);
        long expected = HEADER_SIZE + (h.encrypted ? NONCE_SIZE + h.payloadLength + TAG_SIZE : h.payloadLength + 4);
        if (h.plainLength <= wholeLimit || h.lz4 || !h.compressed) { // small, or written whole by seal
            if (h.plainLength > Integer.MAX_VALUE - 64 || expected > maxSealedSize((int) h.plainLength)) {
                throw new CorruptDataException(name, "lengths out of range in header (plaintext " + h.plainLength
                        + ", payload " + h.payloadLength + ")");
            }
            byte[] all = java.util.Arrays.copyOf(head, (int) expected);
            readExactly(stored, all, HEADER_SIZE, all.length - HEADER_SIZE, name, expected);
            refuseMore(stored, name, expected);
            return whole.read(open(kind, name, ByteBuffer.wrap(all)));
        }
        try (SpoolFile spool = SpoolFile.create()) {
            java.io.OutputStream out = spool.output();
            authenticateInto(h, head, name, stored, out, expected);
            out.flush();
            try (com.github.luben.zstd.ZstdInputStreamNoFinalizer zstd = new com.github.luben.zstd.ZstdInputStreamNoFinalizer(
                    new java.io.BufferedInputStream(spool.input(), 1 << 16))) {
                return large.readFrom(new java.io.BufferedInputStream(zstd, 1 << 16), h.plainLength);
            } catch (com.github.luben.zstd.ZstdIOException | ZstdException e) {
                throw new CorruptDataException(name, "zstd: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads the rest of a sealed object from {@code stored} (its header {@code head} already read), writing its
     * payload (decrypted, not yet authenticated) to {@code out}, then checks the GCM tag or the CRC-32C and that the
     * object ends where its header says.
     */
    private void authenticateInto(Header h, byte[] head, String name, java.io.InputStream stored, java.io.OutputStream out,
                                  long expected) throws java.io.IOException {
        if (h.encrypted && cipher == null) {
            throw new CorruptDataException(name, "object is encrypted but the vault is not");
        }
        if (!h.encrypted && cipher != null) {
            throw new CorruptDataException(name, "object is not encrypted but the vault is (refusing unauthenticated data)");
        }
        CRC32C crc = new CRC32C();
        byte[] nonce = null;
        if (h.encrypted) {
            nonce = new byte[NONCE_SIZE];
            readExactly(stored, nonce, 0, NONCE_SIZE, name, expected);
        } else {
            crc.update(head);
        }
        byte[] block = new byte[1 << 16];
        byte[] plain = new byte[block.length + TAG_SIZE];
        long left = h.payloadLength;
        try (AesGcm.Decryption gcm = h.encrypted ? cipher.decryption(nonce, aad(head, 0, name)) : null) {
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                readExactly(stored, block, 0, n, name, expected);
                left -= n;
                if (gcm != null) {
                    out.write(plain, 0, gcm.update(block, 0, n, plain, 0));
                } else {
                    crc.update(block, 0, n);
                    out.write(block, 0, n);
                }
            }
            byte[] trailer = new byte[h.encrypted ? TAG_SIZE : 4];
            readExactly(stored, trailer, 0, trailer.length, name, expected);
            refuseMore(stored, name, expected);
            if (gcm != null) {
                out.write(gcm.finish(trailer));
            } else if ((int) crc.getValue() != ByteBuffer.wrap(trailer).getInt()) {
                throw new CorruptDataException(name, "CRC-32C mismatch");
            }
        } catch (javax.crypto.AEADBadTagException e) {
            throw new CorruptDataException(name, "authentication tag mismatch (damaged, or wrong key)");
        }
    }

    private static void refuseMore(java.io.InputStream in, String name, long expected) throws java.io.IOException {
        if (in.read() >= 0) {
            throw new CorruptDataException(name, "size does not match header: longer than " + expected + " bytes");
        }
    }

    private static void readExactly(java.io.InputStream in, byte[] into, int offset, int length, String name, long expected)
            throws java.io.IOException {
        if (in.readNBytes(into, offset, length) != length) {
            throw new CorruptDataException(name, "truncated: shorter than its header says (" + expected + " bytes)");
        }
    }

    /** Counts what passes through to {@code out}. */
    private static final class CountingOutput extends java.io.FilterOutputStream {
        long count;

        CountingOutput(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws java.io.IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** The AAD: the header, then the UTF-8 object name. */
    private static byte[] aad(byte[] header, int offset, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] aad = new byte[HEADER_SIZE + nameBytes.length];
        System.arraycopy(header, offset, aad, 0, HEADER_SIZE);
        System.arraycopy(nameBytes, 0, aad, HEADER_SIZE, nameBytes.length);
        return aad;
    }

    /** Opens a sealed object into a new array of exactly its plaintext length. */
    public byte[] open(ObjectKind kind, String name, ByteBuffer stored) throws CorruptDataException,
            UnsupportedFormatException {
        Header header = readHeader(kind, name, stored);
        if (header.plainLength > Integer.MAX_VALUE - 64) {
            throw new CorruptDataException(name, "plaintext length " + header.plainLength + " out of range");
        }
        return openInto(header, name, stored, null);
    }

    /** Opens a sealed object into {@code into}; returns the plaintext length. */
    public int open(ObjectKind kind, String name, ByteBuffer stored, byte[] into) throws CorruptDataException,
            UnsupportedFormatException {
        Header header = readHeader(kind, name, stored);
        if (header.plainLength > into.length) {
            throw new CorruptDataException(name, "plaintext length " + header.plainLength
                    + " exceeds the largest allowed " + into.length);
        }
        openInto(header, name, stored, into);
        return (int) header.plainLength;
    }

    /**
     * Authenticates the object (CRC-32C or GCM tag), then writes its plaintext into {@code into}, or into a new
     * array when {@code into} is null. The header's plaintext length sizes an allocation only once the check
     * has vouched for it: a flipped length bit must fail as corrupt, not allocate gigabytes.
     */
    private byte[] openInto(Header h, String name, ByteBuffer stored, byte[] into) throws CorruptDataException {
        Scratch s = scratch.get();
        if (!h.compressed && h.payloadLength != h.plainLength) {
            throw new CorruptDataException(name, "uncompressed payload length differs from plaintext length");
        }
        byte[] given = into;
        Payload p = authenticate(h, name, stored, n -> {
            s.ensure(n);
            return h.compressed ? s.compressed : given != null ? given : new byte[n];
        });
        byte[] payload = p.bytes();
        int payloadOffset = p.offset();
        if (into == null) {
            into = h.encrypted && !h.compressed ? payload : new byte[(int) h.plainLength];
        }
        if (h.compressed) {
            int n;
            try {
                n = h.lz4 ? Lz4.FACTORY.safeDecompressor().decompress(payload, payloadOffset, (int) h.payloadLength, into, 0,
                        (int) h.plainLength)
                        : s.decompressor.decompressByteArray(into, 0, (int) h.plainLength, payload, payloadOffset,
                        (int) h.payloadLength);
            } catch (ZstdException | LZ4Exception e) {
                throw new CorruptDataException(name, (h.lz4 ? "lz4: " : "zstd: ") + e.getMessage(), e);
            }
            if (n != h.plainLength) {
                throw new CorruptDataException(name, "decompressed " + n + " bytes, header says " + h.plainLength);
            }
        } else if (!h.encrypted) {
            System.arraycopy(payload, payloadOffset, into, 0, (int) h.plainLength);
        }
        return into;
    }

    /** An authenticated payload: {@code bytes[offset, offset + payload length)}. */
    private record Payload(byte[] bytes, int offset) {
    }

    /**
     * Authenticates a sealed object: its size against the header, then the GCM tag (the payload decrypted into the
     * array {@code target} gives for the payload's length, asked only once the size is checked) or the CRC-32C (the
     * payload left where it is stored).
     */
    private Payload authenticate(Header h, String name, ByteBuffer stored, java.util.function.IntFunction<byte[]> target)
            throws CorruptDataException {
        byte[] raw = bytesOf(stored);
        int base = stored.hasArray() ? stored.arrayOffset() + stored.position() : 0;
        int total = stored.remaining();
        if (h.encrypted) {
            if (cipher == null) {
                throw new CorruptDataException(name, "object is encrypted but the vault is not");
            }
            long expected = HEADER_SIZE + NONCE_SIZE + h.payloadLength + TAG_SIZE;
            if (expected != total) {
                throw new CorruptDataException(name, "size " + total + " does not match header (" + expected + ")");
            }
            byte[] into = target.apply((int) h.payloadLength);
            try {
                cipher.decrypt(raw, base + HEADER_SIZE, aad(raw, base, name), raw, base + HEADER_SIZE + NONCE_SIZE,
                        (int) h.payloadLength + TAG_SIZE, into, 0);
            } catch (AEADBadTagException e) {
                throw new CorruptDataException(name, "authentication tag mismatch (damaged, or wrong key)");
            } catch (IllegalStateException e) {
                throw new CorruptDataException(name, "cannot decrypt: " + e.getMessage(), e);
            }
            return new Payload(into, 0);
        }
        if (cipher != null) {
            throw new CorruptDataException(name, "object is not encrypted but the vault is (refusing unauthenticated data)");
        }
        long expected = HEADER_SIZE + h.payloadLength + 4;
        if (expected != total) {
            throw new CorruptDataException(name, "size " + total + " does not match header (" + expected + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(raw, base, HEADER_SIZE + (int) h.payloadLength);
        int storedCrc = ByteBuffer.wrap(raw, base + HEADER_SIZE + (int) h.payloadLength, 4).getInt();
        if ((int) crc.getValue() != storedCrc) {
            throw new CorruptDataException(name, "CRC-32C mismatch");
        }
        return new Payload(raw, base + HEADER_SIZE);
    }

    /** @param lz4 the payload is an LZ4 block (else, when {@code compressed}, a zstd frame) */
    private record Header(ObjectKind kind, boolean compressed, boolean lz4, boolean encrypted, long plainLength,
                          long payloadLength) {
    }

    private static Header readHeader(ObjectKind expected, String name, ByteBuffer stored)
            throws CorruptDataException, UnsupportedFormatException {
        return readHeader(expected, name, stored, stored.remaining());
    }

    /** The header at {@code stored}'s position, of an object of {@code available} bytes (or more, when not known). */
    private static Header readHeader(ObjectKind expected, String name, ByteBuffer stored, long available)
            throws CorruptDataException, UnsupportedFormatException {
        if (stored.remaining() < HEADER_SIZE) {
            throw new CorruptDataException(name, "truncated: " + stored.remaining() + " bytes, shorter than the header");
        }
        ByteBuffer b = stored.duplicate().order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new CorruptDataException(name, String.format("bad magic 0x%08x (expected \"COFR\")", magic));
        }
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new UnsupportedFormatException(name, "object envelope", version, VERSION);
        }
        ObjectKind kind = ObjectKind.of(b.get() & 0xff);
        if (kind != expected) {
            throw new CorruptDataException(name, "holds a " + kind + " object where a " + expected + " was expected");
        }
        int flags = b.get() & 0xff;
        if ((flags & ~(FLAG_ZSTD | FLAG_AES_GCM | FLAG_LZ4)) != 0 || (flags & (FLAG_ZSTD | FLAG_LZ4)) == (FLAG_ZSTD | FLAG_LZ4)
                || b.get() != 0) {
            throw new CorruptDataException(name, "unknown header flags 0x" + Integer.toHexString(flags));
        }
        long plain = b.getLong();
        long payload = b.getLong();
        if (plain < 0 || payload < 0 || payload > available) {
            throw new CorruptDataException(name, "lengths out of range in header (plaintext " + plain + ", payload " + payload + ")");
        }
        return new Header(kind, (flags & (FLAG_ZSTD | FLAG_LZ4)) != 0, (flags & FLAG_LZ4) != 0,
                (flags & FLAG_AES_GCM) != 0, plain, payload);
    }

    private static void writeHeader(ByteBuffer out, ObjectKind kind, int flags, long plain, long payload) {
        out.putInt(0, MAGIC).put(4, (byte) VERSION).put(5, (byte) kind.code()).put(6, (byte) flags).put(7, (byte) 0)
                .putLong(8, plain).putLong(16, payload);
    }

    private boolean looksCompressible(Scratch s, byte[] plain, int length) {
        int[] starts = {0, length / 2 - SAMPLE / 2, length - SAMPLE};
        int total = 0;
        for (int start : starts) {
            total += compression == Compression.LZ4
                    ? Lz4.FACTORY.fastCompressor().compress(plain, start, SAMPLE, s.sample, 0, s.sample.length)
                    : s.compressor().compressByteArray(s.sample, 0, s.sample.length, plain, start, SAMPLE);
        }
        return total < 3 * SAMPLE * 15 / 16;
    }

    private int compress(Scratch s, byte[] plain, int length, byte[] into) {
        try {
            return compression == Compression.LZ4 ? Lz4.FACTORY.fastCompressor().compress(plain, 0, length, into, 0, into.length)
                    : s.compressor().compressByteArray(into, 0, into.length, plain, 0, length);
        } catch (ZstdException | LZ4Exception e) {
            return -1;
        }
    }

    private static byte[] bytesOf(ByteBuffer stored) {
        if (stored.hasArray()) {
            return stored.array();
        }
        byte[] copy = new byte[stored.remaining()];
        stored.duplicate().get(copy);
        return copy;
    }

    /**
     * Per-thread buffers and contexts; grows to the largest object seen by the thread. The compressor and the nonces'
     * random source are made on the thread's first seal: a thread that only opens objects (the vault's config and
     * manifests read at a command's start) does not pay for them (docs/performance.md, "Session 15").
     */
    private final class Scratch {
        private ZstdCompressCtx compressor;
        final ZstdDecompressCtx decompressor = new ZstdDecompressCtx();
        final byte[] sample = new byte[compressBound(SAMPLE)];
        private SecureRandom random;
        byte[] compressed = new byte[0];
        byte[] sealed = new byte[0];

        ZstdCompressCtx compressor() {
            if (compressor == null) {
                compressor = new ZstdCompressCtx().setLevel(level);
            }
            return compressor;
        }

        SecureRandom random() {
            if (random == null) {
                random = new SecureRandom();
            }
            return random;
        }

        void ensure(int length) {
            int bound = compressBound(length) + TAG_SIZE;
            if (compressed.length < bound) {
                compressed = new byte[bound];
                sealed = new byte[maxSealedSize(length)];
            }
        }
    }
}
