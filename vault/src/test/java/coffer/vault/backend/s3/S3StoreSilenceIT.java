package coffer.vault.backend.s3;

import coffer.testing.Await;
import coffer.testing.S3Server;
import coffer.testing.StallingProxy;
import coffer.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request watch tells when the store stops answering (docs/design/s3.md, "Cancel and stalls", session 24): the S3
 * test server behind a {@link StallingProxy}. A request in flight that gets no byte for the silence bound (1 s here,
 * {@link RequestWatch#SILENCE} in use) makes the backend {@link S3Backend#silent} and its {@link StoreSilence} listener
 * hears it at once, although the store answered a request a moment before (so "answered within the last minute" no
 * longer counts as a look); the request is not cut for it, and its answer once the store answers again ends the
 * silence, heard once. Prefix: the branch's name.
 */
class S3StoreSilenceIT {
    private static final Duration LIMIT = Duration.ofMinutes(1);
    private static final Duration SILENCE = Duration.ofSeconds(1);

    @Test
    void aRequestWithoutAByteForTheBoundMakesTheStoreSilentAtOnceAndItsAnswerEndsTheSilence() throws Exception {
        S3Server server = S3Server.shared();
        List<String> heard = new CopyOnWriteArrayList<>();
        try (StallingProxy proxy = StallingProxy.to(server.endpoint());
             S3Backend backend = S3Backend.open(new S3Location(server.newBucket(), "s3hang24/silence"),
                     server.settings().withEndpoint(proxy.endpoint(), true),
                     new RequestWatch(RequestWatch.STALL_LIMIT, RequestWatch.CLEANUP_PATIENCE, SILENCE))) {
            backend.listen(new StoreSilence() {
                @Override
                public void silent(String why) {
                    heard.add("silent: " + why);
                }

                @Override
                public void answering() {
                    heard.add("answering");
                }
            });
            byte[] data = TestData.random(24, 300);
            backend.put("config", ByteBuffer.wrap(data));
            assertFalse(backend.silent());
            assertEquals(List.of(), heard, "answers alone tell nothing");

            proxy.stall();
            AtomicReference<Object> read = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    ByteBuffer got = backend.get("config");
                    byte[] bytes = new byte[got.remaining()];
                    got.get(bytes);
                    read.set(bytes);
                } catch (Throwable e) {
                    read.set(e);
                }
            }, "s3hang24-reader");
            reader.start();
            Await.until(() -> !heard.isEmpty(), LIMIT, "the listener hears the store's silence");
            assertTrue(heard.getFirst().startsWith("silent: a request got no byte either way for 1 s"), heard.toString());
            assertTrue(backend.silent());
            assertTrue(backend.sinceLastAnswer().orElseThrow().compareTo(LIMIT) < 0,
                    "the store answered within the minute, and is silent all the same");
            assertTrue(reader.isAlive(), "the silent request is not cut: it may still be answered");
            assertEquals(1, backend.requestsInFlight());

            proxy.resume();
            Await.until(() -> !reader.isAlive(), LIMIT, "the held read ends once the store answers");
            assertArrayEquals(data, (byte[]) read.get(), String.valueOf(read.get()));
            assertFalse(backend.silent());
            assertEquals(2, heard.size(), heard.toString());
            assertEquals("answering", heard.get(1));
            assertEquals(0, backend.requestsInFlight());
            backend.get("config");
            assertEquals(2, heard.size(), "heard once each: " + heard);
        }
    }
}
