package coffer.vault;

import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.Compression;
import coffer.vault.format.Json;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import coffer.vault.format.VaultConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating and opening vaults: parameters, keys, and what is refused. */
class VaultTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(VaultFlavour.class)
    void aCreatedVaultReopensWithItsParametersAndPoints(VaultFlavour flavour) throws IOException {
        byte[] disk = TestData.text(1, TestVault.CHUNK + 999);
        VaultConfig created;
        PointManifest point;
        Backend backend;
        try (TestVault vault = flavour.create(dir)) {
            created = vault.vault().config();
            point = vault.backup("vm", disk);
            backend = vault.backend();
        }
        try (TestVault reopened = TestVault.open(flavour.reopen(backend), flavour.keys(dir))) {
            VaultConfig config = reopened.vault().config();
            assertEquals(created, config);
            assertEquals(VaultConfig.FORMAT, config.format());
            assertEquals(1, config.version(), "a zstd vault keeps config version 1, which every Coffer reads");
            assertEquals("zstd", config.compression());
            assertEquals(TestVault.CHUNK, config.chunkSize());
            assertEquals(flavour.encrypted(), config.encrypted());
            assertEquals(flavour.encrypted() ? "hmac-sha256" : "sha256", config.digest());
            assertEquals(List.of(point.id()), reopened.vault().points().stream().map(PointManifest::id).toList());
            assertArrayEquals(disk, reopened.restore(reopened.vault().point(point.id()), "vda"));
        }
    }

    @Test
    void anEncryptedVaultRecordsWhichKeyWrapsItsDataKey() throws IOException {
        LocalKeyRing ring = new LocalKeyRing(dir.resolve("keyring.json"));
        try (TestVault vault = TestVault.create(new MemoryBackend(), ring)) {
            VaultConfig.Encryption encryption = vault.vault().config().encryption();
            assertEquals("aes-256-gcm", encryption.cipher());
            assertEquals("hkdf-sha256", encryption.kdf());
            assertEquals(LocalKeyRing.NAME, encryption.keyService());
            assertTrue(Json.MAPPER.readTree(ring.file().toFile()).toString().contains(encryption.keyId()));
            assertTrue(vault.vault().codec().encrypted());
        }
    }

    @Test
    void anUnencryptedVaultRecordsNoEncryption() throws IOException {
        try (TestVault vault = TestVault.create(new MemoryBackend(), null)) {
            assertNull(vault.vault().config().encryption());
        }
    }

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY_ENCRYPTED", "LOCAL_ENCRYPTED"})
    void openingWithAnotherKeyRingIsKeyUnavailable(VaultFlavour flavour) throws IOException {
        Backend backend;
        try (TestVault vault = flavour.create(dir)) {
            backend = vault.backend();
        }
        LocalKeyRing other = new LocalKeyRing(dir.resolve("other-keyring.json"));
        other.createKey();
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> Vault.open(backend, other));
        assertTrue(e.getMessage().contains(other.file().toString()), e.getMessage());
    }

    @Test
    void openingWithAKeyRingWhoseKeyWasReplacedIsKeyUnavailable() throws IOException {
        Path ringFile = dir.resolve("keyring.json");
        MemoryBackend backend = new MemoryBackend();
        Vault.create(backend, TestVault.CHUNK, new LocalKeyRing(ringFile)).close();
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(ringFile.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("keys").get(0))
                .put("material", java.util.Base64.getEncoder().encodeToString(TestData.random(9, 32)));
        Json.MAPPER.writeValue(ringFile.toFile(), json);
        assertThrows(KeyUnavailableException.class, () -> Vault.open(backend, new LocalKeyRing(ringFile)));
    }

    @Test
    void openingAnEncryptedVaultWithoutAKeyServiceIsKeyUnavailable() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        Vault.create(backend, TestVault.CHUNK, new LocalKeyRing(dir.resolve("keyring.json"))).close();
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> Vault.open(backend, null));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void anEmptyDirectoryIsNotAVault() {
        NotAVaultException empty = assertThrows(NotAVaultException.class,
                () -> Vault.open(new LocalDirectoryBackend(dir), null));
        assertTrue(empty.getMessage().contains(dir.toString()), empty.getMessage());
        assertThrows(NotAVaultException.class, () -> Vault.open(new LocalDirectoryBackend(dir.resolve("missing")), null));
        assertThrows(NotAVaultException.class, () -> Vault.open(new MemoryBackend(), null));
    }

    @Test
    void aConfigThatIsNotACofferObjectIsNotAVault() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        backend.put(Vault.CONFIG, ByteBuffer.wrap("[core]\n\trepositoryformatversion = 0\n".getBytes()));
        assertThrows(NotAVaultException.class, () -> Vault.open(backend, null));
    }

    @Test
    void aConfigOfAnotherFormatIsNotAVault() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        putConfig(backend, config("something-else", 1, TestVault.CHUNK));
        assertThrows(NotAVaultException.class, () -> Vault.open(backend, null));
    }

    @Test
    void aConfigOfVersion99IsUnsupported() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        putConfig(backend, config(VaultConfig.FORMAT, 99, TestVault.CHUNK));
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> Vault.open(backend, null));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("up to " + VaultConfig.VERSION), e.getMessage());
    }

    @Test
    void aStoredConfigWithAnInvalidChunkSizeIsCorrupt() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        putConfig(backend, config(VaultConfig.FORMAT, 1, 1000));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Vault.open(backend, null));
        assertEquals(Vault.CONFIG, e.object());
    }

    @Test
    void anUnreadableConfigIsCorrupt() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        byte[] body = "{not json".getBytes();
        backend.put(Vault.CONFIG, new ObjectCodec(null, 1).seal(ObjectKind.CONFIG, Vault.CONFIG, body, body.length, false));
        assertThrows(CorruptDataException.class, () -> Vault.open(backend, null));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4096, 128 * 1024, 256 * 1024 + 1, 3 * 256 * 1024, 32 * 1024 * 1024})
    void creatingWithAChunkSizeOtherThanAPowerOfTwoFrom256KiBTo16MiBIsRefused(int chunkSize) throws IOException {
        MemoryBackend backend = new MemoryBackend();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vault.create(backend, chunkSize, null));
        assertTrue(e.getMessage().contains(Integer.toString(chunkSize)), e.getMessage());
        assertEquals(List.of(), backend.list(""), "nothing written");
    }

    @ParameterizedTest
    @ValueSource(ints = {256 * 1024, 1024 * 1024, 16 * 1024 * 1024})
    void creatingWithAValidChunkSizeRecordsIt(int chunkSize) throws IOException {
        try (Vault vault = Vault.create(new MemoryBackend(), chunkSize, null)) {
            assertEquals(chunkSize, vault.chunkSize());
        }
    }

    @Test
    void creatingWhereAVaultExistsIsRefused() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        Vault.create(backend, TestVault.CHUNK, null).close();
        assertThrows(IllegalArgumentException.class, () -> Vault.create(backend, TestVault.CHUNK, null));
    }

    @Test
    void creatingInALocationHoldingOtherObjectsIsRefused() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        backend.put("something/else", ByteBuffer.wrap(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> Vault.create(backend, TestVault.CHUNK, null));
    }

    @Test
    void aVaultCompressesNewChunksAtTheLevelItRecordsAndReadsWhateverLevelWroteThem() throws IOException {
        byte[] disk = TestData.text(7, 8 * TestVault.CHUNK);
        long[] stored = new long[2];
        int[] levels = {-7, 9};
        for (int k = 0; k < levels.length; k++) {
            MemoryBackend backend = new MemoryBackend();
            Vault.create(backend, TestVault.CHUNK, levels[k], null).close();
            try (TestVault vault = TestVault.open(backend, null)) {
                assertEquals(levels[k], vault.vault().config().compressionLevel(), "recorded and read back");
                PointManifest point = vault.backup("vm", disk);
                assertArrayEquals(disk, vault.restore(point, "vda"));
                for (String chunk : vault.chunkObjects()) {
                    stored[k] += backend.stat(chunk).orElseThrow().size();
                }
            }
        }
        assertTrue(stored[1] < stored[0] * 0.95, "level 9 stores less than level -7: " + stored[1] + " against " + stored[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -8, 20, 22, Integer.MIN_VALUE})
    void creatingWithACompressionLevelOutsideMinus7To19IsRefused(int level) {
        MemoryBackend backend = new MemoryBackend();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vault.create(backend, TestVault.CHUNK, level, null));
        assertTrue(e.getMessage().contains("compression level") && e.getMessage().contains(Integer.toString(level)),
                e.getMessage());
    }

    @Test
    void aStoredConfigWithAnInvalidCompressionLevelIsCorrupt() throws IOException {
        MemoryBackend backend = new MemoryBackend();
        VaultConfig valid = config(VaultConfig.FORMAT, 1, TestVault.CHUNK);
        putConfig(backend, new VaultConfig(valid.format(), valid.version(), valid.vaultId(), valid.createdAt(),
                valid.chunkSize(), valid.digest(), valid.compression(), 99, null));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Vault.open(backend, null));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void anLz4VaultRecordsItsCodecInConfigVersion2AndRestoresBitIdentical() throws IOException {
        byte[] disk = TestData.text(7, 8 * TestVault.CHUNK);
        long[] stored = new long[2];
        Compression[] codecs = {Compression.ZSTD, Compression.LZ4};
        for (int k = 0; k < codecs.length; k++) {
            MemoryBackend backend = new MemoryBackend();
            Vault.create(backend, TestVault.CHUNK, codecs[k], 1, null).close();
            try (TestVault vault = TestVault.open(backend, null)) {
                VaultConfig config = vault.vault().config();
                assertEquals(codecs[k].configName(), config.compression(), "recorded and read back");
                assertEquals(codecs[k] == Compression.LZ4 ? 2 : 1, config.version());
                assertEquals(codecs[k], vault.vault().codec().compression());
                PointManifest point = vault.backup("vm", disk);
                assertArrayEquals(disk, vault.restore(point, "vda"));
                for (String chunk : vault.chunkObjects()) {
                    ByteBuffer object = backend.get(chunk);
                    assertEquals(codecs[k] == Compression.LZ4 ? 4 : 1, object.get(object.position() + 6) & 5,
                            "envelope flag of " + chunk);
                    stored[k] += backend.stat(chunk).orElseThrow().size();
                }
            }
        }
        assertTrue(stored[1] > stored[0] && stored[1] < disk.length, "lz4 stores more than zstd, less than the data: "
                + stored[1] + " against " + stored[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 3, -1, 9})
    void anLz4VaultWithACompressionLevelIsRefused(int level) {
        MemoryBackend backend = new MemoryBackend();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vault.create(backend, TestVault.CHUNK, Compression.LZ4, level, null));
        assertTrue(e.getMessage().contains("lz4") && e.getMessage().contains(Integer.toString(level)), e.getMessage());
        assertEquals(List.of(), backend.list(""), "nothing written");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1:lz4", "2:brotli", "1:brotli"})
    void aConfigNamingACodecItsVersionDoesNotKnowIsCorrupt(String versionAndCodec) throws IOException {
        int version = Integer.parseInt(versionAndCodec.split(":")[0]);
        String codec = versionAndCodec.split(":")[1];
        MemoryBackend backend = new MemoryBackend();
        VaultConfig valid = config(VaultConfig.FORMAT, version, TestVault.CHUNK);
        putConfig(backend, new VaultConfig(valid.format(), version, valid.vaultId(), valid.createdAt(),
                valid.chunkSize(), valid.digest(), codec, 1, null));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Vault.open(backend, null));
        assertTrue(e.getMessage().contains(codec), e.getMessage());
    }

    private static VaultConfig config(String format, int version, int chunkSize) {
        return new VaultConfig(format, version, "0b7f6a52-0000-4000-8000-000000000000", Instant.parse("2026-01-01T00:00:00Z"),
                chunkSize, "sha256", "zstd", 1, null);
    }

    static void putConfig(Backend backend, VaultConfig config) throws IOException {
        byte[] body = Json.MAPPER.writeValueAsBytes(config);
        backend.put(Vault.CONFIG, new ObjectCodec(null, 1).seal(ObjectKind.CONFIG, Vault.CONFIG, body, body.length, false));
    }
}
