package coffer.vault.backend;

import coffer.testing.S3Server;
import coffer.vault.NotAVaultException;
import coffer.vault.PointNotFoundException;
import coffer.vault.Vault;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.fs.FileTree;
import coffer.vault.secret.Secret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vault whose bucket does not exist, and a store that refuses the credentials, on a real S3-compatible server
 * (s3proxy, {@link S3Server}); found by the replication and disaster-recovery probe of docs/reliability.md
 * (session 20). S3 answers a read of any key of a missing bucket with 404, as it answers a missing key; before the
 * fix the backend took it for one missing object, so a vault whose bucket had been deleted (or was misnamed) said
 * "no point … in the vault" ({@code PointNotFound}) of each of its replicas and "not a Coffer vault (no config object)"
 * when opened. Now the failure names the missing bucket. A HEAD refused with 403 carries no S3 error code (no body):
 * its message says that access was denied and what to check, without the credentials.
 */
class S3MissingBucketAndDeniedIT {
    private static final String POINT = "20261207-041731-71a4b53e";

    @Test
    void aVaultWhoseBucketWasDeletedSaysSoInsteadOfNoPointOrNotAVault() throws IOException {
        S3Server server = S3Server.shared();
        String bucket = server.newBucket();
        S3Location location = new S3Location(bucket, "dr20/east");
        try (S3Backend backend = S3Backend.open(location, server.settings())) {
            Vault vault = Vault.create(backend, 1 << 20, null);
            FileTree.delete(server.fileOf(bucket, "")); // the bucket deleted under the open vault (s3proxy: its directory)

            IOException point = assertThrows(IOException.class, () -> vault.point(POINT));
            assertFalse(point instanceof PointNotFoundException, "a deleted bucket is not a missing point: " + point);
            assertNamesTheMissingBucket(point, bucket);

            IOException get = assertThrows(IOException.class, () -> backend.get("config"));
            assertFalse(get instanceof ObjectNotFoundException, "a deleted bucket is not a missing object: " + get);
            assertNamesTheMissingBucket(get, bucket);

            IOException opened = assertThrows(IOException.class, () -> Vault.open(backend, null));
            assertFalse(opened instanceof NotAVaultException, "a deleted bucket is not a location without a vault: "
                    + opened);
            assertNamesTheMissingBucket(opened, bucket);
        }
        // a key that is missing in a bucket that exists is still a missing object
        try (S3Backend other = S3Backend.open(new S3Location(server.newBucket(), "dr20"), server.settings())) {
            assertThrows(ObjectNotFoundException.class, () -> other.get("config"));
            assertThrows(NotAVaultException.class, () -> Vault.open(other, null));
        }
    }

    @Test
    void aRefusedHeadSaysAccessWasDeniedWithoutShowingTheCredentials() throws IOException {
        S3Server server = S3Server.shared();
        String wrong = "dr20-wrong-secret-" + UUID.randomUUID();
        S3Settings settings = server.settings().withCredentials(
                new S3Settings.Credentials(S3Server.ACCESS_KEY_ID, Secret.of(wrong)));
        try (S3Backend denied = S3Backend.open(new S3Location(server.newBucket(), "dr20"), settings)) {
            BackendException stat = assertThrows(BackendException.class, () -> denied.stat("config"));
            assertTrue(stat.getMessage().contains("HTTP 403") && stat.getMessage().contains("access denied: check the"
                    + " vault's S3 credentials"), stat.getMessage());
            assertFalse(stat.retryable(), stat.getMessage());
            for (String text : List.of(stat.toString(), String.valueOf(stat.getCause()))) {
                assertFalse(text.contains(wrong), text);
                assertFalse(text.contains(S3Server.SECRET_ACCESS_KEY), text);
                assertFalse(text.contains(S3Server.ACCESS_KEY_ID), text);
            }
        }
    }

    private static void assertNamesTheMissingBucket(IOException e, String bucket) {
        assertTrue(e instanceof BackendException, "the backend's failure: " + e);
        assertTrue(e.getMessage().contains(bucket) && e.getMessage().contains("NoSuchBucket")
                && e.getMessage().contains("the vault's bucket does not exist"), e.getMessage());
        assertFalse(((BackendException) e).retryable(), e.getMessage());
    }
}
