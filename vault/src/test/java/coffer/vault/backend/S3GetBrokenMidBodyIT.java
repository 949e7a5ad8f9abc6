package coffer.vault.backend;

import coffer.testing.S3Server;
import coffer.testing.TamperingProxy;
import coffer.testing.TestData;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A streamed {@code GetObject} whose connection breaks mid-body resumes where it broke (docs/design/s3.md, "A streamed
 * read broken mid-body"): the S3 test server behind a {@link TamperingProxy} (a fault injector that closes the connection
 * after a number of bytes of an answer). Cut twice, a 24 MiB object still reads bit for bit with two ranged requests
 * more; an object replaced between the cut and the resume fails the read, naming the change, rather than splicing two
 * objects; a connection that breaks every time fails after the bounded number of resumes, retryable.
 */
class S3GetBrokenMidBodyIT {
    private static final int LARGE = 3 * (8 << 20) + 999;
    private static final String NAME = "points/20261207-000000-00000023/disk-0.fidx";
    private static final int RESUMES = 5;

    @Test
    void aReadBrokenMidBodyResumesWhereItBrokeAndNeverSplicesAReplacedObject() throws IOException {
        S3Server server = S3Server.shared();
        byte[] data = TestData.random(2301, LARGE);
        byte[] replacement = TestData.random(2302, LARGE);
        String bucket = server.newBucket();
        try (TamperingProxy proxy = TamperingProxy.to(server.endpoint());
             S3Backend direct = S3Backend.open(new S3Location(bucket, "s3dur23"), server.settings());
             S3Backend backend = S3Backend.open(new S3Location(bucket, "s3dur23"),
                     server.settings().withEndpoint(proxy.endpoint(), true))) {
            direct.putStream(NAME, LARGE, out -> out.write(data));
            String get = "GET /" + bucket + "/s3dur23/" + NAME;

            Map<String, Long> before = backend.requestCounts();
            proxy.cutResponses(get, 5 << 20, 2);
            try (InputStream in = backend.getStream(NAME)) {
                assertArrayEquals(data, in.readAllBytes(), "read bit for bit across two broken connections");
            }
            assertEquals(2, proxy.cuts());
            assertEquals(Map.of("GetObject", 3L), S3Server.requestsSince(before, backend.requestCounts()));
            assertTrue(proxy.matchedHeads().get(1).toLowerCase(java.util.Locale.ROOT).contains("range: bytes="),
                    proxy.matchedHeads().get(1));

            proxy.cutResponses(get, 5 << 20, 1);
            try (InputStream in = backend.getStream(NAME)) {
                byte[] start = in.readNBytes(1 << 20);
                assertArrayEquals(java.util.Arrays.copyOf(data, 1 << 20), start);
                direct.putStream(NAME, LARGE, out -> out.write(replacement));
                BackendException changed = assertThrows(BackendException.class, in::readAllBytes);
                System.out.println("S3GetBrokenMidBodyIT: " + changed.getMessage());
                assertTrue(changed.getMessage().contains("replaced while it was read"), changed.getMessage());
                assertTrue(changed.retryable(), "reading it again from the start may succeed");
            }

            proxy.cutResponses(get, 3 << 20, 1000);
            int cutsBefore = proxy.cuts();
            try (InputStream in = backend.getStream(NAME)) {
                BackendException spent = assertThrows(BackendException.class, in::readAllBytes);
                System.out.println("S3GetBrokenMidBodyIT: " + spent.getMessage());
                assertTrue(spent.retryable());
                assertTrue(spent.getMessage().contains("resumed " + RESUMES + " times"), spent.getMessage());
            }
            assertEquals(RESUMES + 1, proxy.cuts() - cutsBefore, "the first request and each resume were cut, no more");
            proxy.cutResponses(get, 0, 0);
            try (InputStream in = backend.getStream(NAME)) {
                assertArrayEquals(replacement, in.readAllBytes(), "the replacement reads whole");
            }
        }
    }
}
