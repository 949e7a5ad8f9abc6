package coffer.vault.backend;

import coffer.testing.S3Server;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.secret.Secret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend contract on a real S3-compatible server (s3proxy, started by {@link S3Server}), with the vault
 * under a key prefix; and what is particular to S3: the prefix confines the vault, conditional creation, the
 * request counts, the failures of a missing bucket and bad credentials.
 */
class S3BackendIT extends BackendContract {
    private S3Server server;

    @Override
    protected Backend newBackend() {
        server = S3Server.shared();
        return server.newBackend("vaults/v1");
    }

    /** s3proxy's filesystem store takes an object's Last-Modified from its file's modification time. */
    @Override
    protected void putModifiedAt(String name, byte[] bytes, Instant modified) throws IOException {
        backend.put(name, ByteBuffer.wrap(bytes));
        S3Location location = ((S3Backend) backend).location();
        Files.setLastModifiedTime(server.fileOf(location.bucket(), location.prefix() + "/" + name), FileTime.from(modified));
    }

    private S3Backend s3() {
        return (S3Backend) backend;
    }

    @Test
    void thePrefixConfinesTheVaultToItsKeys() throws IOException {
        S3Location location = s3().location();
        try (S3Backend whole = S3Backend.open(new S3Location(location.bucket(), ""), server.settings());
             S3Backend sibling = S3Backend.open(new S3Location(location.bucket(), "vaults/v2"), server.settings())) {
            backend.put("config", bytes("mine"));
            sibling.put("config", bytes("theirs"));
            assertEquals("mine", string(backend.get("config")));
            assertEquals(List.of("config"), names(backend.list("")));
            assertEquals(List.of("vaults/v1/config", "vaults/v2/config"), names(whole.list("")));
            assertEquals(List.of("v1", "v2"), whole.listChildren("vaults/"));
        }
    }

    @Test
    void putIfAbsentIsOneConditionalPutAndExistsIsNeverAskedFor() throws IOException {
        Map<String, Long> before = s3().requestCounts();
        assertTrue(backend.putIfAbsent("chunks/ab/x", bytes("1")));
        assertFalse(backend.putIfAbsent("chunks/ab/x", bytes("1")));
        Map<String, Long> after = s3().requestCounts();
        assertEquals(before.getOrDefault("PutObject", 0L) + 2, after.get("PutObject"), after.toString());
        assertEquals(before.getOrDefault("HeadObject", 0L), after.getOrDefault("HeadObject", 0L), after.toString());
        assertFalse(backend.cheapStat());
        assertTrue(backend.ioParallelism() > 1);
    }

    @Test
    void aMissingBucketFailsNamingItAndPermanently() throws IOException {
        try (S3Backend missing = S3Backend.open(new S3Location("coffer-no-such-bucket", ""), server.settings())) {
            BackendException e = assertThrows(BackendException.class, () -> missing.put("config", bytes("x")));
            assertTrue(e.getMessage().contains("coffer-no-such-bucket"), e.getMessage());
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(missing.createBucketIfAbsent(), "created");
            assertFalse(missing.createBucketIfAbsent(), "exists now");
            missing.put("config", bytes("x"));
            assertEquals("x", string(missing.get("config")));
        }
    }

    @Test
    void aWrongSecretFailsPermanentlyAndNoMessageShowsTheCredentials() throws IOException {
        String wrong = "wrong-secret-" + java.util.UUID.randomUUID();
        S3Settings settings = server.settings().withCredentials(
                new S3Settings.Credentials(S3Server.ACCESS_KEY_ID, Secret.of(wrong)));
        try (S3Backend denied = S3Backend.open(s3().location(), settings)) {
            BackendException e = assertThrows(BackendException.class, () -> denied.get("config"));
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("403"), e.getMessage());
            for (String text : List.of(e.toString(), denied.describe(), settings.toString(), String.valueOf(e.getCause()))) {
                assertFalse(text.contains(wrong), text);
                assertFalse(text.contains(S3Server.ACCESS_KEY_ID), text);
                assertFalse(text.contains(S3Server.SECRET_ACCESS_KEY), text);
            }
        }
    }
}
