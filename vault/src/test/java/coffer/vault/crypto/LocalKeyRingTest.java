package coffer.vault.crypto;

import coffer.testing.TestData;
import coffer.vault.KeyUnavailableException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coffer.vault.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static coffer.vault.format.SameOutcome.assertSameOutcome;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalKeyRingTest {
    private static final byte[] CONTEXT = "coffer-vault:0b7f6a52-vault-id".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private LocalKeyRing ring() {
        return new LocalKeyRing(dir.resolve("config/coffer/keyring.json"));
    }

    @Test
    void theKeyRingFileIsReadableOnlyByItsOwner() throws IOException {
        LocalKeyRing ring = ring();
        ring.createKey();
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(ring.file()));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(ring.file().getParent()),
                "a directory created for the ring");
        ring.createKey();
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(ring.file()),
                "still after a rewrite");
        try (var files = Files.list(ring.file().getParent())) {
            assertEquals(List.of(ring.file()), files.toList(), "no temporary left beside the ring");
        }
    }

    @Test
    void unwrapReturnsTheDataKeyGivenToWrap() throws IOException {
        LocalKeyRing ring = ring();
        String keyId = ring.createKey();
        byte[] dataKey = TestData.random(1, 32);
        WrappedKey wrapped = ring.wrap(keyId, dataKey, CONTEXT);
        assertEquals(LocalKeyRing.NAME, wrapped.keyService());
        assertEquals(keyId, wrapped.keyId());
        assertArrayEquals(dataKey, ring.unwrap(wrapped, CONTEXT));
        assertArrayEquals(dataKey, new LocalKeyRing(ring.file()).unwrap(wrapped, CONTEXT), "read back from the file");
    }

    @Test
    void eachKeyOfARingUnwrapsOnlyWhatItWrapped() throws IOException {
        LocalKeyRing ring = ring();
        String first = ring.createKey();
        String second = ring.createKey();
        WrappedKey wrapped = ring.wrap(first, TestData.random(2, 32), CONTEXT);
        WrappedKey underTheOtherId = new WrappedKey(wrapped.keyService(), second, wrapped.blob());
        assertThrows(KeyUnavailableException.class, () -> ring.unwrap(underTheOtherId, CONTEXT));
    }

    @Test
    void unwrapWithAnotherContextFails() throws IOException {
        LocalKeyRing ring = ring();
        WrappedKey wrapped = ring.wrap(ring.createKey(), TestData.random(3, 32), CONTEXT);
        byte[] otherVault = "coffer-vault:another-vault".getBytes(StandardCharsets.UTF_8);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> ring.unwrap(wrapped, otherVault));
        assertTrue(e.getMessage().contains(ring.file().toString()), e.getMessage());
    }

    @Test
    void unwrapOfADamagedBlobFails() throws IOException {
        LocalKeyRing ring = ring();
        WrappedKey wrapped = ring.wrap(ring.createKey(), TestData.random(4, 32), CONTEXT);
        for (int bit = 0; bit < wrapped.blob().length * 8; bit += 7) {
            WrappedKey damaged = new WrappedKey(wrapped.keyService(), wrapped.keyId(), TestData.flipBit(wrapped.blob(), bit));
            assertThrows(KeyUnavailableException.class, () -> ring.unwrap(damaged, CONTEXT), "bit " + bit);
        }
        WrappedKey shortBlob = new WrappedKey(wrapped.keyService(), wrapped.keyId(), new byte[10]);
        assertThrows(KeyUnavailableException.class, () -> ring.unwrap(shortBlob, CONTEXT));
    }

    @Test
    void aKeyWhoseMaterialWasReplacedDoesNotUnwrap() throws IOException {
        LocalKeyRing ring = ring();
        String keyId = ring.createKey();
        WrappedKey wrapped = ring.wrap(keyId, TestData.random(5, 32), CONTEXT);
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(ring.file().toFile());
        ((ObjectNode) json.get("keys").get(0)).put("material", Base64.getEncoder().encodeToString(TestData.random(6, 32)));
        Json.MAPPER.writeValue(ring.file().toFile(), json);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> ring.unwrap(wrapped, CONTEXT));
        assertTrue(e.getMessage().contains(keyId), e.getMessage());
    }

    @Test
    void aMissingKeyIdIsUnavailableNamingTheKeyAndThePath() throws IOException {
        LocalKeyRing ring = ring();
        ring.createKey();
        KeyUnavailableException wrap = assertThrows(KeyUnavailableException.class,
                () -> ring.wrap("k-000000000000", new byte[32], CONTEXT));
        assertTrue(wrap.getMessage().contains("k-000000000000"), wrap.getMessage());
        assertTrue(wrap.getMessage().contains(ring.file().toString()), wrap.getMessage());
        WrappedKey unknown = new WrappedKey(LocalKeyRing.NAME, "k-000000000000", new byte[60]);
        KeyUnavailableException unwrap = assertThrows(KeyUnavailableException.class, () -> ring.unwrap(unknown, CONTEXT));
        assertTrue(unwrap.getMessage().contains(ring.file().toString()), unwrap.getMessage());
    }

    @Test
    void aMissingFileIsUnavailableNamingThePath() {
        LocalKeyRing ring = ring();
        WrappedKey wrapped = new WrappedKey(LocalKeyRing.NAME, "k-0123456789ab", new byte[60]);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> ring.unwrap(wrapped, CONTEXT));
        assertTrue(e.getMessage().contains(ring.file().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("k-0123456789ab"), e.getMessage());
        assertThrows(KeyUnavailableException.class, () -> ring.wrap("k-0123456789ab", new byte[32], CONTEXT));
        assertFalse(Files.exists(ring.file()), "reading never creates the ring");
    }

    @Test
    void aKeyHeldByAnotherServiceIsUnavailableNamingThatService() throws IOException {
        LocalKeyRing ring = ring();
        WrappedKey wrapped = ring.wrap(ring.createKey(), TestData.random(7, 32), CONTEXT);
        WrappedKey elsewhere = new WrappedKey("kms", wrapped.keyId(), wrapped.blob());
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> ring.unwrap(elsewhere, CONTEXT));
        assertTrue(e.getMessage().contains("'kms'"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAKeyRingIsUnavailable() throws IOException {
        LocalKeyRing ring = ring();
        Files.createDirectories(ring.file().getParent());
        Files.writeString(ring.file(), "{\"format\":\"something-else\",\"version\":1,\"keys\":[]}");
        assertThrows(KeyUnavailableException.class, () -> ring.wrap("k-0123456789ab", new byte[32], CONTEXT));
        Files.writeString(ring.file(), "not json");
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class,
                () -> ring.wrap("k-0123456789ab", new byte[32], CONTEXT));
        assertTrue(e.getMessage().contains(ring.file().toString()), e.getMessage());
    }

    @Test
    void aKeyRingOfANewerVersionIsUnavailable() throws IOException {
        LocalKeyRing ring = ring();
        String keyId = ring.createKey();
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(ring.file().toFile());
        json.put("version", 2);
        Json.MAPPER.writeValue(ring.file().toFile(), json);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class,
                () -> ring.wrap(keyId, new byte[32], CONTEXT));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void keysCreatedConcurrentlyAreAllKept() throws Exception {
        LocalKeyRing ring = ring();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<String>> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                ids.add(pool.submit(ring::createKey));
            }
            Set<String> created = new HashSet<>();
            for (Future<String> id : ids) {
                created.add(id.get());
            }
            assertEquals(12, created.size());
            ArrayNode keys = (ArrayNode) Json.MAPPER.readTree(ring.file().toFile()).get("keys");
            assertEquals(12, keys.size());
            for (String id : created) {
                byte[] dataKey = TestData.random(id.hashCode(), 32);
                assertArrayEquals(dataKey, ring.unwrap(ring.wrap(id, dataKey, CONTEXT), CONTEXT));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyMaterialNeverAppearsInToStringOrMessages() throws IOException {
        LocalKeyRing ring = ring();
        String keyId = ring.createKey();
        String material = Json.MAPPER.readTree(ring.file().toFile()).get("keys").get(0).get("material").asText();
        WrappedKey wrapped = ring.wrap(keyId, TestData.random(8, 32), CONTEXT);
        assertFalse(wrapped.toString().contains(Base64.getEncoder().encodeToString(wrapped.blob())), wrapped.toString());
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> ring.unwrap(wrapped, new byte[1]));
        assertFalse(e.getMessage().contains(material), e.getMessage());
        assertFalse(ring.toString().contains(material));
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(ring.file());
        assertFalse(perms.contains(PosixFilePermission.OTHERS_READ));
    }

    @Test
    void aRingAsWrittenReadsWithoutDatabindToWhatDatabindReads() throws IOException {
        LocalKeyRing ring = ring();
        ring.createKey();
        ring.createKey();
        byte[] body = Files.readAllBytes(ring.file());
        LocalKeyRing.Ring canonical = coffer.vault.format.CanonicalJson.tryRead(body, LocalKeyRing::fromTree);
        org.junit.jupiter.api.Assertions.assertNotNull(canonical, "the form Coffer writes is read without databind");
        assertEquals(Json.MAPPER.readValue(body, LocalKeyRing.Ring.class), canonical);
        assertEquals(2, canonical.keys().size());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":[{\"id\":\"k-1\",\"createdAt\":"
                    + "\"2026-12-06T12:00:00.5Z\",\"material\":\"AAAA\",\"note\":[1.5]}],\"extra\":true}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":[]}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":null}",
            "{\"format\":\"coffer-keyring\",\"version\":1}",
            "{\"format\":\"coffer-keyring\",\"version\":\"1\",\"keys\":[]}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":[null]}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":[{\"id\":1}]}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":[{\"createdAt\":1764000000}]}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":[{\"createdAt\":\"yesterday\"}]}",
            "{\"format\":\"coffer-keyring\",\"version\":1,\"keys\":{}}",
            "{\"format\":\"coffer-keyring\",\"format\":\"x\",\"keys\":[]}",
            "{\"format\":\"coffer-keyring\",\"keys\":[", "not json", "", "[]"})
    void anyOtherRingReadsAsDatabindReadsIt(String text) throws IOException {
        Path file = dir.resolve("ring.json");
        Files.writeString(file, text);
        assertSameOutcome(() -> Json.MAPPER.readValue(file.toFile(), LocalKeyRing.Ring.class),
                () -> LocalKeyRing.parse(file), text);
    }
}
