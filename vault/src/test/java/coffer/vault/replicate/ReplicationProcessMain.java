package coffer.vault.replicate;

import coffer.testing.S3Server;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.secret.Secret;

import java.net.URI;
import java.nio.file.Path;

/**
 * A separate JVM replicating one point from a vault in a directory to a vault in an S3 bucket, slowly, so a test can
 * kill it with SIGKILL mid-way. Arguments: source directory, source key ring, point id, bucket, prefix, destination
 * key ring; the store's endpoint and secret come from {@code COFFER_TEST_S3_ENDPOINT} and {@code COFFER_TEST_S3_SECRET}.
 */
public final class ReplicationProcessMain {
    private ReplicationProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        S3Settings settings = S3Settings.at(URI.create(System.getenv("COFFER_TEST_S3_ENDPOINT")),
                new S3Settings.Credentials(S3Server.ACCESS_KEY_ID, Secret.of(System.getenv("COFFER_TEST_S3_SECRET"))));
        try (Vault source = Vault.open(new LocalDirectoryBackend(Path.of(args[0])), new LocalKeyRing(Path.of(args[1])));
             Vault destination = Vault.open(S3Backend.open(new S3Location(args[3], args[4]), settings),
                     new LocalKeyRing(Path.of(args[5])))) {
            // the replicator copies on the destination's parallelism (16 for S3) whatever it is asked for, and each copy
            // thread reports its chunk: sleeping under one lock lets ~10 chunks a second through in all, so the whole
            // point takes ~16 s on any machine (16 parallel sleeps let it end within about a second)
            Object oneAtATime = new Object();
            new PointReplicator(source, destination, 1).replicate(new PointReplicator.Request(args[2], null, null),
                    bytes -> {
                        synchronized (oneAtATime) {
                            try {
                                Thread.sleep(100); // slow enough to be killed while chunks arrive
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
        }
    }
}
