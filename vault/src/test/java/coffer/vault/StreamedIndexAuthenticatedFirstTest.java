package coffer.vault;

import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large index object read as a stream (docs/format/index.md, "Memory") is authenticated before a decoder sees a
 * byte: any flipped bit, a truncated or an extended object is refused as {@link CorruptDataException} with the decoder
 * never called, and nothing is left in the temporary directory. What the streaming path writes is the envelope the
 * whole-object reader opens, and the checked-in golden vaults read the same through either path.
 */
class StreamedIndexAuthenticatedFirstTest {
    private static final String NAME = "points/20260101-000000-00000001/disk-0.fidx";
    private static final int CHUNK = 256 * 1024;
    private static final int COUNT = 5000;

    @TempDir
    Path dir;

    private Path tmp;

    @BeforeEach
    void everyIndexStreamed() throws IOException {
        tmp = Files.createDirectories(dir.resolve("tmp"));
        System.setProperty(FixedIndex.HEAP_LIMIT_PROPERTY, "0");
        System.setProperty("coffer.index.tmpdir", tmp.toString());
    }

    @AfterEach
    void asBefore() throws IOException {
        System.clearProperty(FixedIndex.HEAP_LIMIT_PROPERTY);
        System.clearProperty("coffer.index.tmpdir");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "no temporary file left");
        }
    }

    private static ObjectCodec codec(boolean encrypted) {
        byte[] key = new byte[32];
        new SplittableRandom(7).nextBytes(key);
        return new ObjectCodec(encrypted ? new SecretKeySpec(key, "AES") : null, 3);
    }

    private static FixedIndex randomIndex() {
        FixedIndex index = new FixedIndex((long) COUNT * CHUNK - 1000, CHUNK);
        SplittableRandom random = new SplittableRandom(22);
        for (int i = 0; i < COUNT; i += 1 + random.nextInt(3)) { // some zero entries between
            index.set(i, new ChunkId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
        }
        return index;
    }

    private static byte[] sealed(ObjectCodec codec, FixedIndex index) throws IOException {
        try (ObjectCodec.Spooled spooled = codec.sealSpooled(ObjectKind.INDEX, NAME, index.encodedLength(), index::encodeTo)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            spooled.writeTo(out);
            assertEquals(spooled.length(), out.size());
            return out.toByteArray();
        }
    }

    private static FixedIndex openStreamed(ObjectCodec codec, byte[] stored, AtomicBoolean decoded) throws IOException {
        return codec.open(ObjectKind.INDEX, NAME, new ByteArrayInputStream(stored), 0, plain -> {
            throw new AssertionError("read whole");
        }, (in, length) -> {
            decoded.set(true);
            return FixedIndex.decode(NAME, in, length);
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyDamageIsRefusedBeforeTheDecoder(boolean encrypted) throws IOException {
        ObjectCodec codec = codec(encrypted);
        FixedIndex index = randomIndex();
        byte[] stored = sealed(codec, index);
        AtomicBoolean decoded = new AtomicBoolean();
        assertEquals(index.checksum(), openStreamed(codec, stored, decoded).checksum());
        assertTrue(decoded.get());
        // the whole-object reader opens what the streaming path wrote: the same envelope and plaintext
        FixedIndex heap = FixedIndex.decode(NAME, codec.open(ObjectKind.INDEX, NAME, ByteBuffer.wrap(stored)));
        assertEquals(index.checksum(), heap.checksum());
        if (!encrypted) { // no nonce: the very bytes the whole-object path seals (several zstd blocks)
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            index.encodeTo(body);
            assertTrue(body.size() > 128 * 1024);
            ByteBuffer whole = codec.seal(ObjectKind.INDEX, NAME, body.toByteArray(), body.size(), false);
            byte[] wholeBytes = new byte[whole.remaining()];
            whole.get(wholeBytes);
            assertArrayEquals(wholeBytes, stored);
        }

        int[] flips = {ObjectCodec.HEADER_SIZE + 3, ObjectCodec.HEADER_SIZE + 40, stored.length / 2, stored.length - 20,
                stored.length - 1, 6, 10};
        for (int at : flips) {
            byte[] damaged = stored.clone();
            damaged[at] ^= 0x10;
            AtomicBoolean reached = new AtomicBoolean();
            assertThrows(CorruptDataException.class, () -> openStreamed(codec, damaged, reached), "bit flipped at " + at);
            assertFalse(reached.get(), "the decoder saw nothing of an object damaged at " + at);
        }
        for (byte[] damaged : List.of(Arrays.copyOf(stored, stored.length - 1), Arrays.copyOf(stored, stored.length + 1),
                Arrays.copyOf(stored, stored.length - 300))) {
            AtomicBoolean reached = new AtomicBoolean();
            assertThrows(CorruptDataException.class, () -> openStreamed(codec, damaged, reached), "length " + damaged.length);
            assertFalse(reached.get());
            // and read whole, as an index below the heap limit is
            assertThrows(CorruptDataException.class, () -> codec.open(ObjectKind.INDEX, NAME, new ByteArrayInputStream(damaged),
                    Long.MAX_VALUE, plain -> FixedIndex.decode(NAME, plain), (in, length) -> {
                        throw new AssertionError("streamed");
                    }), "read whole, length " + damaged.length);
        }
    }

    @Test
    void aTamperedIndexObjectInAVaultIsDataCorrupt() throws IOException {
        Path vaultDir = dir.resolve("vault");
        try (Vault vault = Vault.create(new LocalDirectoryBackend(vaultDir), CHUNK, new LocalKeyRing(dir.resolve("k.json")))) {
            FixedIndex index = randomIndex();
            try (ObjectCodec.Spooled spooled = vault.codec().sealSpooled(ObjectKind.INDEX, NAME, index.encodedLength(),
                    index::encodeTo)) {
                vault.backend().putStream(NAME, spooled.length(), spooled::writeTo);
            }
            assertEquals(index.checksum(), vault.readIndexObject(NAME).checksum());
            Path file = vaultDir.resolve(NAME);
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 3] ^= 1;
            Files.write(file, bytes);
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> vault.readIndexObject(NAME));
            assertTrue(e.getMessage().contains("authentication tag mismatch"), e.getMessage());
        }
    }

    /** Each checked-in vault's indexes read through the streaming path as through the whole-object one. */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "encrypted", "patched", "replica", "lz4", "built-ef03003"})
    void goldenIndexesReadTheSameStreamed(String fixture) throws Exception {
        Path checkedIn = Path.of(StreamedIndexAuthenticatedFirstTest.class.getResource("/fixtures/fixtures.json").toURI())
                .getParent();
        Path keyRing = checkedIn.resolve(fixture + "-keyring.json");
        Path copy = dir.resolve("copy");
        GoldenFixtureGenerator.copyTree(checkedIn, copy);
        KeyService keys = Files.exists(keyRing) ? new LocalKeyRing(copy.resolve(fixture + "-keyring.json")) : null;
        int read = 0;
        try (Vault vault = Vault.open(new LocalDirectoryBackend(copy.resolve(fixture)), keys)) {
            for (PointManifest point : vault.points()) {
                for (PointManifest.Disk disk : point.disks()) {
                    FixedIndex streamed = vault.readIndex(point, disk);
                    ByteBuffer stored = vault.backend().get(disk.index());
                    byte[] body = vault.codec().open(ObjectKind.INDEX, disk.index(), stored);
                    FixedIndex whole = FixedIndex.decode(disk.index(), body);
                    assertEquals(whole.checksum(), streamed.checksum());
                    for (int i = 0; i < whole.chunkCount(); i++) {
                        assertEquals(whole.get(i), streamed.get(i));
                    }
                    if (!vault.codec().encrypted()) { // no nonce: what the streaming path writes, byte for byte
                        ByteArrayOutputStream again = new ByteArrayOutputStream();
                        try (ObjectCodec.Spooled spooled = vault.codec().sealSpooled(ObjectKind.INDEX, disk.index(),
                                body.length, out -> out.write(body))) {
                            spooled.writeTo(again);
                        }
                        byte[] original = new byte[stored.remaining()];
                        stored.duplicate().get(original);
                        assertArrayEquals(original, again.toByteArray(), disk.index());
                    }
                    read++;
                }
            }
        }
        assertTrue(read >= 2, "indexes read: " + read);
    }
}
