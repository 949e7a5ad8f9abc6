package coffer.cli;

import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.secret.Secret;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The S3 step of {@code coffer dev train}: the S3 backend's requests (the AWS SDK's pipeline, signer, HTTP client,
 * XML and error parsing) sent to a <b>request sink</b> on loopback, so that the launcher's ahead-of-time cache holds the
 * SDK's classes as it holds the local vault's (docs/performance.md, "The start-up cache does not know the SDK"). The
 * sink is not a store: it keeps nothing and answers every request with a fixed reply of the right shape (a PUT is
 * taken, a GET gets 4 KiB, a listing is empty, a HEAD is "not found"); no S3 server ships with Coffer to train
 * against. Training only: nothing else uses it. Runs once, on the calling thread; not thread-safe.
 */
final class S3TrainingRequests {
    private static final byte[] BODY = new byte[4096];
    private static final byte[] EMPTY_LISTING = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>coffer-train</Name>"
            + "<Prefix>train/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
            + "</ListBucketResult>").getBytes(StandardCharsets.UTF_8);

    private S3TrainingRequests() {
    }

    /** Sends each kind of request the backend makes a few times; throws when the SDK or the sink fails. */
    static void run() throws IOException {
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/", S3TrainingRequests::answer);
        sink.start();
        URI endpoint = URI.create("http://127.0.0.1:" + sink.getAddress().getPort());
        try (S3Backend backend = S3Backend.open(new S3Location("coffer-train", "train"), S3Settings.at(endpoint,
                new S3Settings.Credentials("coffer-train", Secret.of("coffer-train"))).withParallelism(2))) {
            String chunk = "chunks/00/" + "0".repeat(64);
            for (int i = 0; i < 16; i++) {
                backend.put("config", ByteBuffer.wrap(BODY));
                backend.putIfAbsent(chunk, ByteBuffer.wrap(BODY));
                backend.get(chunk);
                backend.stat("config");
                backend.list("locks/");
                backend.delete("locks/train");
            }
        } finally {
            sink.stop(0);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            String query = exchange.getRequestURI().getRawQuery();
            exchange.getResponseHeaders().set("ETag", "\"0\"");
            switch (exchange.getRequestMethod()) {
                case "PUT" -> exchange.sendResponseHeaders(200, -1);
                case "DELETE" -> exchange.sendResponseHeaders(204, -1);
                case "HEAD" -> exchange.sendResponseHeaders(404, -1);
                case "GET" -> {
                    byte[] reply = query != null && query.contains("list-type=2") ? EMPTY_LISTING : BODY;
                    exchange.getResponseHeaders().set("Content-Type",
                            reply == BODY ? "application/octet-stream" : "application/xml");
                    exchange.sendResponseHeaders(200, reply.length);
                    exchange.getResponseBody().write(reply);
                }
                default -> exchange.sendResponseHeaders(405, -1);
            }
        }
    }
}
