package coffer.vault.backend.s3;

import coffer.vault.backend.AfterCancel;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * The HTTP client of an {@link S3Backend} with every request in flight known to a {@link RequestWatch}, which aborts
 * it (closing its connection) when its thread is interrupted (a cancel), when it moved no byte for the stall limit,
 * or, in a cancelled operation's cleanup ({@link AfterCancel}), when it has not ended within the cleanup's patience, or,
 * in a vault's opening ({@link coffer.vault.backend.FirstAnswer}), when it got no byte within the opening's bound. A
 * request counts as in flight from its sending until its response body is read to the end or closed; bytes moved
 * are those the client takes from the request body and reads from the response body (docs/design/s3.md, "Cancel and
 * stalls").
 *
 * <p>Thread-safe.
 */
final class WatchedHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;
    private final RequestWatch watch;

    WatchedHttpClient(SdkHttpClient delegate, RequestWatch watch) {
        this.delegate = delegate;
        this.watch = watch;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        RequestWatch.InFlight flight = watch.prepare(AfterCancel.current());
        HttpExecuteRequest.Builder watched = HttpExecuteRequest.builder().request(request.httpRequest());
        request.metricCollector().ifPresent(watched::metricCollector);
        request.contentStreamProvider().ifPresent(body -> watched.contentStreamProvider(new ContentStreamProvider() {
            @Override
            public InputStream newStream() {
                return new Counted(body.newStream(), flight, false);
            }

            @Override
            public String name() {
                return body.name();
            }
        }));
        ExecutableHttpRequest prepared = delegate.prepareRequest(watched.build());
        flight.abortWith(prepared::abort);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                String notSent = flight.notSentBecause(watch.cleanupPatience());
                if (notSent != null) {
                    throw new InterruptedIOException(notSent);
                }
                watch.enter(flight);
                boolean handedOver = false;
                try {
                    HttpExecuteResponse response = prepared.call();
                    flight.answerBegan();
                    watch.answered(response.httpResponse().statusCode());
                    if (response.responseBody().isEmpty()) {
                        return response;
                    }
                    AbortableInputStream body = response.responseBody().get();
                    flight.abortWith(() -> {
                        prepared.abort();
                        body.abort();
                    });
                    HttpExecuteResponse result = HttpExecuteResponse.builder().response(response.httpResponse())
                            .responseBody(AbortableInputStream.create(new Counted(body, flight, true), body)).build();
                    handedOver = true;
                    return result;
                } catch (IOException | RuntimeException e) {
                    throw flight.explain(e);
                } finally {
                    if (!handedOver) {
                        watch.exit(flight);
                    }
                }
            }

            @Override
            public void abort() {
                prepared.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /**
     * A body that reports the bytes moved to its request's watch; a response body's close ends the request's watch. A
     * read that fails on an aborted request says why it was aborted.
     */
    private final class Counted extends FilterInputStream {
        private final RequestWatch.InFlight flight;
        private final boolean response;

        /** {@code response}: the response's body, whose close ends the request (a request body's does not). */
        Counted(InputStream in, RequestWatch.InFlight flight, boolean response) {
            super(in);
            this.flight = flight;
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                moved(b < 0 ? -1 : 1);
                return b;
            } catch (IOException | RuntimeException e) {
                throw flight.explain(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                moved(n);
                return n;
            } catch (IOException | RuntimeException e) {
                throw flight.explain(e);
            }
        }

        private void moved(int n) {
            if (n > 0) {
                flight.progressed();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (response) {
                    watch.exit(flight);
                }
            }
        }
    }
}
