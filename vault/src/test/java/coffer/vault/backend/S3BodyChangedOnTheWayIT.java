package coffer.vault.backend;

import coffer.testing.S3Server;
import coffer.testing.TamperingProxy;
import coffer.testing.TestData;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.secret.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every body sent to S3 carries its CRC-32C ({@code x-amz-checksum-crc32c}, docs/design/s3.md "Integrity of what is
 * sent"). (1) Against the S3 test server behind a {@link TamperingProxy} (a fault injector that inverts one byte of a
 * request's body after the client signed it, as a faulty path would; the payload is unsigned on loopback): a part of a
 * multipart upload, a {@code PutObject} and a conditional {@code PutObject} changed on the way are refused by the store,
 * the write fails naming it, and nothing is left: no object, no multipart upload. (2) On moto's emulator, a bucket
 * whose Object Lock has a default retention, which refuses a {@code PutObject} without a checksum, takes the vault's
 * writes (moto checks this requirement on {@code PutObject}, not on parts; s3proxy has no Object Lock).
 */
class S3BodyChangedOnTheWayIT {
    /** Three parts and a bit (8 MiB each). */
    private static final int LARGE = 3 * (8 << 20) + 4321;
    private static final String INDEX = "points/20261207-000000-00000023/disk-0.fidx";

    @TempDir
    Path dir;
    private final ObjectLockEmulatorIT emulator = new ObjectLockEmulatorIT();

    @AfterEach
    void stop() throws InterruptedException {
        emulator.stop();
    }

    @Test
    void aPartOrAnObjectChangedOnTheWayIsRefusedAndNothingIsLeft() throws IOException {
        S3Server server = S3Server.shared();
        byte[] data = TestData.random(23, LARGE);
        try (TamperingProxy proxy = TamperingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3dur23"),
                     server.settings().withEndpoint(proxy.endpoint(), true))) {
            proxy.flipBodyByte("partNumber=2", 1000);
            BackendException refused = assertThrows(BackendException.class,
                    () -> backend.putStream(INDEX, LARGE, out -> out.write(data)));
            System.out.println("S3BodyChangedOnTheWayIT: " + refused.getMessage());
            assertEquals(1, proxy.flipped(), "the second part was changed on the way");
            assertTrue(refused.getMessage().contains("BadDigest"), refused.getMessage());
            assertFalse(backend.exists(INDEX), "nothing published");
            assertEquals(0, backend.removeAbandonedUploads(Instant.now().plusSeconds(3600)), "the upload was aborted");
            String head = proxy.matchedHeads().getFirst();
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("x-amz-checksum-crc32c: "), head);
            assertFalse(head.contains("aws-chunked"), "a plain body with its checksum in a header: " + head);

            backend.putStream(INDEX, LARGE, out -> out.write(data));
            try (InputStream in = backend.getStream(INDEX)) {
                assertArrayEquals(data, in.readAllBytes(), "the upload again, unchanged on the way, completes");
            }

            byte[] chunk = TestData.random(24, 300_000);
            String name = "chunks/ab/ab" + "0".repeat(62);
            proxy.flipBodyByte("/" + name, 77);
            BackendException put = assertThrows(BackendException.class, () -> backend.put(name, ByteBuffer.wrap(chunk)));
            assertTrue(put.getMessage().contains("BadDigest"), put.getMessage());
            proxy.flipBodyByte("/" + name, 299_999);
            BackendException conditional = assertThrows(BackendException.class,
                    () -> backend.putIfAbsent(name, ByteBuffer.wrap(chunk)));
            assertTrue(conditional.getMessage().contains("BadDigest"), conditional.getMessage());
            assertEquals(3, proxy.flipped());
            assertFalse(backend.exists(name), "no changed chunk stored");
            assertTrue(backend.putIfAbsent(name, ByteBuffer.wrap(chunk)));
            assertArrayEquals(chunk, bytes(backend.get(name)));
        }
    }

    @Test
    void aBucketWithADefaultObjectLockRetentionTakesTheVaultsWrites() throws Exception {
        emulator.dir = dir;
        URI endpoint = emulator.startMoto();
        String bucket = ObjectLockEmulatorIT.BUCKET;
        byte[] data = TestData.random(25, LARGE);
        try (S3Client admin = ObjectLockEmulatorIT.admin(endpoint);
             S3Backend backend = S3Backend.open(new S3Location(bucket, "s3dur23"), S3Settings.at(endpoint,
                     new S3Settings.Credentials("testing", Secret.of("testing"))))) {
            admin.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
            admin.putObjectLockConfiguration(b -> b.bucket(bucket).objectLockConfiguration(c -> c
                    .objectLockEnabled("Enabled").rule(r -> r.defaultRetention(d -> d
                            .mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
            byte[] small = TestData.random(26, 1000);
            backend.put("config", ByteBuffer.wrap(small));
            assertTrue(backend.putIfAbsent("chunks/cd/cd" + "1".repeat(62), ByteBuffer.wrap(small)));
            backend.putStream(INDEX, LARGE, out -> out.write(data));
            assertArrayEquals(small, bytes(backend.get("config")));
            try (InputStream in = backend.getStream(INDEX)) {
                assertArrayEquals(data, in.readAllBytes());
            }
            assertEquals(ObjectLockRetentionMode.GOVERNANCE.toString(), admin.headObject(b -> b.bucket(bucket)
                    .key("s3dur23/config")).objectLockModeAsString(), "the bucket's default retention applies");
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
