package coffer.vault.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaultConfigTest {
    @ParameterizedTest
    @ValueSource(longs = {256 * 1024, 512 * 1024, 1 << 20, 4 << 20, 16 << 20})
    void powersOfTwoFrom256KiBTo16MiBAreValidChunkSizes(long size) {
        assertNull(VaultConfig.checkChunkSize(size));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 1, 4096, 128 * 1024, 256 * 1024 - 1, 256 * 1024 + 1, 3 * 256 * 1024, 32 << 20,
            1L << 32})
    void otherChunkSizesAreRefusedWithTheSizeInTheMessage(long size) {
        String problem = VaultConfig.checkChunkSize(size);
        assertNotNull(problem);
        assertTrue(problem.contains(Long.toString(size)), problem);
    }

    @Test
    void aConfigAsWrittenReadsWithoutDatabindToWhatDatabindReads() throws Exception {
        for (VaultConfig written : List.of(
                new VaultConfig(VaultConfig.FORMAT, 2, "0b7f6a52-id", Instant.parse("2026-12-06T12:21:10.5Z"), 524288,
                        "hmac-sha256", "lz4", 1, new VaultConfig.Encryption("aes-256-gcm", "hkdf-sha256",
                        "local-keyring", "k-0123456789ab", "c2VhbGVk+/==")),
                new VaultConfig(VaultConfig.FORMAT, 1, "id", Instant.parse("2026-12-06T12:21:10Z"), 1 << 20, "sha256",
                        null, -7, null))) {
            byte[] body = Json.MAPPER.writeValueAsBytes(written);
            assertNotNull(CanonicalJson.tryRead(body, VaultConfig::fromTree), "the form Coffer writes is read without databind");
            assertEquals(written, VaultConfig.read(body));
            assertEquals(Json.MAPPER.readValue(body, VaultConfig.class), VaultConfig.read(body));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"format\":\"coffer-vault\",\"version\":1,\"vaultId\":\"v\",\"createdAt\":\"2026-12-06T12:21:10Z\","
                    + "\"chunkSize\":524288,\"digest\":\"sha256\",\"compressionLevel\":1}",
            "{\"format\":\"coffer-vault\",\"version\":\"1\",\"chunkSize\":524288}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"chunkSize\":\"524288\"}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"chunkSize\":null,\"compressionLevel\":null}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"encryption\":null}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"encryption\":\"aes\"}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"encryption\":{\"cipher\":1}}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"encryption\":{\"keyId\":\"a\",\"keyId\":\"b\"}}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"createdAt\":0}",
            "{\"format\":\"coffer-vault\",\"version\":1,\"createdAt\":\"2026-12-06\"}",
            "{\"format\":\"coffer-vault\",\"version\":1}{", "{\"format\":", "[]", "", "12"})
    void anyOtherConfigReadsAsDatabindReadsIt(String text) throws Exception {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        SameOutcome.assertSameOutcome(() -> Json.MAPPER.readValue(body, VaultConfig.class), () -> VaultConfig.read(body), text);
    }
}
