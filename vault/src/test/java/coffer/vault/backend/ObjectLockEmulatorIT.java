package coffer.vault.backend;

import coffer.testing.Await;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.vault.PointImmutableException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.io.Progress;
import coffer.vault.secret.Secret;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * S3 Object Lock retention of an immutable point ({@link S3Backend#retain}, docs/design/s3.md "Immutability and Object
 * Lock") against moto's S3 server: an <b>emulator</b> of AWS S3 (Python {@code moto}, {@code moto_server}, part of
 * this machine's image), used because no S3 server with Object Lock runs here otherwise (s3proxy answers 501; MinIO
 * and Ceph RGW cannot be installed from the reachable registries). It checks what Coffer sends: the bucket's lock
 * configuration is read, the point's manifest, index and hold get a COMPLIANCE retention until the hold's time, an
 * ordinary point's objects none, and the store then refuses to delete a retained version even with the bucket's
 * credentials. Whether a real store enforces retention is that store's; moto enforces it as AWS documents.
 */
class ObjectLockEmulatorIT {
    static final String BUCKET = "coffer-locked";

    @TempDir
    Path dir;
    Process moto;

    @AfterEach
    void stop() throws InterruptedException {
        if (moto != null) {
            moto.destroy();
            if (!moto.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                moto.destroyForcibly();
            }
        }
    }

    @Test
    void anImmutablePointsManifestIndexAndHoldAreRetainedByTheStoreInComplianceMode() throws Exception {
        URI endpoint = startMoto();
        try (S3Client admin = admin(endpoint); S3Backend backend = backend(endpoint)) {
            admin.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
            Vault vault = Vault.create(backend, 256 * 1024, new LocalKeyRing(dir.resolve("keyring.json")));
            assertTrue(backend.objectLockEnabled(), "the bucket's lock configuration is read");

            Instant until = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
            byte[] disk = TestData.random(5, 5 * 256 * 1024 + 17);
            PointManifest held = point(vault, disk, until);
            PointManifest ordinary = point(vault, TestData.random(6, 3 * 256 * 1024), null);

            for (String name : List.of(Vault.manifestName(held.id()), Vault.holdName(held.id()),
                    "points/" + held.id() + "/disk-0.fidx")) {
                var head = admin.headObject(b -> b.bucket(BUCKET).key("vault/" + name));
                assertEquals(ObjectLockMode.COMPLIANCE, head.objectLockMode(), name);
                assertEquals(until, head.objectLockRetainUntilDate(), name);
            }
            assertEquals(null, admin.headObject(b -> b.bucket(BUCKET).key("vault/" + Vault.manifestName(ordinary.id())))
                    .objectLockMode(), "an ordinary point is not retained");

            // the vault refuses; so does the store, for the retained version, whoever asks
            assertThrows(PointImmutableException.class, () -> vault.deletePoint(held.id()));
            String key = "vault/" + Vault.manifestName(held.id());
            List<ObjectVersion> versions = admin.listObjectVersions(b -> b.bucket(BUCKET).prefix(key)).versions();
            assertEquals(1, versions.size(), versions.toString());
            S3Exception refused = assertThrows(S3Exception.class, () -> admin.deleteObject(b -> b.bucket(BUCKET).key(key)
                    .versionId(versions.getFirst().versionId())));
            assertEquals(403, refused.statusCode(), refused.getMessage());
            assertTrue(vault.point(held.id()).id().equals(held.id()), "the manifest is still there");

            // extending the hold extends the store's retention too
            Instant later = until.plus(Duration.ofDays(30));
            vault.holdUntil(held.id(), later);
            assertEquals(later, admin.headObject(b -> b.bucket(BUCKET).key(key)).objectLockRetainUntilDate());
        }
    }

    /**
     * An immutable replica written into a bucket with Object Lock: the replica's manifest, index and hold are retained
     * like a point's, while the replication's claim on the replica id (docs/design/replication.md), like its lock, gets
     * no retention: its release leaves a delete marker over versions the store would let anyone remove, and nothing
     * under {@code claims/} is listed afterwards.
     */
    @Test
    void anImmutableReplicaIsRetainedAndTheReplicationsClaimIsNot() throws Exception {
        URI endpoint = startMoto();
        try (S3Client admin = admin(endpoint); S3Backend backend = backend(endpoint);
             Vault source = Vault.create(new MemoryBackend(), 256 * 1024, null)) {
            admin.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
            Vault destination = Vault.create(backend, 256 * 1024, new LocalKeyRing(dir.resolve("keyring.json")));
            byte[] disk = TestData.random(7, 4 * 256 * 1024 + 5);
            PointManifest point = point(source, disk, null);
            Instant until = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);

            PointManifest replica = new coffer.vault.replicate.PointReplicator(source, destination, 2).replicate(
                    new coffer.vault.replicate.PointReplicator.Request(point.id(), null, until), Progress.NONE).replica();

            for (String name : List.of(Vault.manifestName(replica.id()), Vault.holdName(replica.id()),
                    "points/" + replica.id() + "/disk-0.fidx")) {
                var head = admin.headObject(b -> b.bucket(BUCKET).key("vault/" + name));
                assertEquals(ObjectLockMode.COMPLIANCE, head.objectLockMode(), name);
                assertEquals(until, head.objectLockRetainUntilDate(), name);
            }
            assertEquals(List.of(), backend.list("claims/"), "the claim was given back");
            var claims = admin.listObjectVersions(b -> b.bucket(BUCKET).prefix("vault/claims/"));
            assertEquals(1, claims.deleteMarkers().size(), claims.toString());
            assertTrue(!claims.versions().isEmpty(), claims.toString());
            for (ObjectVersion version : claims.versions()) {
                assertEquals(null, admin.headObject(b -> b.bucket(BUCKET).key(version.key()).versionId(version.versionId()))
                        .objectLockMode(), "a claim's version is not retained: " + version.key());
            }
            assertEquals(List.of(), backend.list("locks/"));
        }
    }

    /**
     * A commit killed between its manifest and its hold leaves a point the vault refuses to delete (its manifest says
     * so) but that the store does not retain yet; the server's hold right after a plan's run (the same time) then
     * writes the hold and retains the manifest, index and hold, rather than finding the point held long enough.
     */
    @Test
    void aCommitKilledBeforeItsHoldIsRetainedByTheStoreAtTheNextHold() throws Exception {
        URI endpoint = startMoto();
        try (S3Client admin = admin(endpoint); S3Backend backend = backend(endpoint)) {
            admin.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
            java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
            Backend dying = new coffer.testing.ForwardingBackend(backend) {
                @Override
                public void put(String name, java.nio.ByteBuffer data) throws IOException {
                    if (name.endsWith("/hold")) {
                        killed.set(true);
                        throw new IOException("killed before the hold (test)");
                    }
                    super.put(name, data);
                }
            };
            Vault vault = Vault.create(dying, 256 * 1024, new LocalKeyRing(dir.resolve("keyring.json")));
            Instant until = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
            byte[] disk = TestData.random(7, 2 * 256 * 1024 + 5);
            IOException died = assertThrows(IOException.class, () -> point(vault, disk, until));
            assertTrue(killed.get(), died.toString());
            String id = vault.points().getFirst().id();
            String manifestKey = "vault/" + Vault.manifestName(id);
            assertEquals(null, admin.headObject(b -> b.bucket(BUCKET).key(manifestKey)).objectLockMode(),
                    "killed before the hold: the store does not retain the manifest yet");
            assertThrows(PointImmutableException.class, () -> vault.deletePoint(id), "the manifest alone holds it");

            Vault reopened = Vault.open(backend, new LocalKeyRing(dir.resolve("keyring.json")));
            assertEquals(until, reopened.holdUntil(id, until));
            for (String name : List.of(Vault.manifestName(id), Vault.holdName(id), "points/" + id + "/disk-0.fidx")) {
                var head = admin.headObject(b -> b.bucket(BUCKET).key("vault/" + name));
                assertEquals(ObjectLockMode.COMPLIANCE, head.objectLockMode(), name);
                assertEquals(until, head.objectLockRetainUntilDate(), name);
            }
        }
    }

    /** The bucket's owner, asking the store directly (what a client holding the bucket's credentials can do). */
    static S3Client admin(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(Apache5HttpClient.create()).build();
    }

    static S3Backend backend(URI endpoint) throws IOException {
        return S3Backend.open(new S3Location(BUCKET, "vault"), S3Settings.at(endpoint,
                new S3Settings.Credentials("testing", Secret.of("testing"))));
    }

    static PointManifest point(Vault vault, byte[] disk, Instant until) throws IOException {
        try (PointWriter writer = PointWriter.begin(vault, "vm", Instant.now(), 2)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", null, Progress.NONE);
            if (until != null) {
                writer.immutableUntil(until);
            }
            return writer.commit("CRASH", null, List.of(), null);
        }
    }

    /**
     * moto_server on a free loopback port; skips (fails in CI) when it is not installed. The port is probed free and
     * then given to moto: another process may take it in between, so a moto that exits before it listens is started
     * again on another port (three tries).
     */
    URI startMoto() throws Exception {
        Path command = Environment.which("moto_server");
        if (command == null && java.nio.file.Files.isExecutable(Path.of(System.getProperty("user.home"), ".pyenv", "shims",
                "moto_server"))) {
            command = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "moto_server");
        }
        Environment.need(command != null, "moto_server (Python moto, an S3 emulator with Object Lock)");
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Path log = dir.resolve("moto-" + attempt + ".log");
            moto = new ProcessBuilder(command.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process started = moto;
            boolean listens = Await.value(() -> {
                if (!started.isAlive()) {
                    return Optional.of(false);
                }
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return Optional.of(true);
                } catch (IOException notYet) {
                    return Optional.empty();
                }
            }, Duration.ofSeconds(60), () -> "moto_server to listen on port " + port);
            if (listens && started.isAlive()) {
                return URI.create("http://127.0.0.1:" + port);
            }
            assertTrue(attempt < 3, "moto_server exited: " + java.nio.file.Files.readString(log));
        }
    }
}
