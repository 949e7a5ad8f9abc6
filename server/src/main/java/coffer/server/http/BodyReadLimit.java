package coffer.server.http;

import coffer.engine.error.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads every request body in full before the API sees it, without holding a thread while it waits, and
 * bounds that wait, so clients that stall their bodies cannot take the server's threads (docs/server.md,
 * "Limits"):
 * <ul>
 *   <li>the body is read asynchronously (Jetty's demand callbacks, as {@code EagerContentHandler} does) and
 *       handed to the API only when complete: the API's blocking reads then never wait on the network;</li>
 *   <li>at most {@code maxWaiting} requests at a time wait for body bytes that have not arrived. When one more
 *       has to wait, the one that has waited longest is answered {@link ErrorCode#ServerBusy} (503,
 *       {@code Retry-After}) and its connection closed: stalled bodies are the oldest waiters, while an honest
 *       body arrives within moments of its headers and is rarely the oldest. A body that arrives with its
 *       headers, as a small JSON body usually does, takes no place at all;</li>
 *   <li>a body not complete within {@code timeout} of its request is answered {@link ErrorCode#RequestTimeout}
 *       (408) and the connection closed;</li>
 *   <li>a body larger than {@code maxBytes}, declared or sent, is answered {@link ErrorCode#RequestTooLarge}
 *       (413).</li>
 * </ul>
 * These answers are problem+json like every other error of the API.
 *
 * <p>Thread-safe: one instance serves all requests; each body's state is guarded by its own lock.
 */
final class BodyReadLimit extends Handler.Wrapper {
    private final long maxBytes;
    private final int maxWaiting;
    private final Duration timeout;
    /** The loads waiting for body bytes, oldest first; guarded by itself. */
    private final Set<BodyLoad> waiting = new LinkedHashSet<>();

    BodyReadLimit(long maxBytes, int maxWaiting, Duration timeout) {
        this.maxBytes = maxBytes;
        this.maxWaiting = maxWaiting;
        this.timeout = timeout;
    }

    /** Adds {@code load} to the waiting; returns the oldest waiter when that makes one too many, else null. */
    private BodyLoad admit(BodyLoad load) {
        synchronized (waiting) {
            waiting.add(load);
            if (waiting.size() <= maxWaiting) {
                return null;
            }
            BodyLoad oldest = waiting.iterator().next();
            waiting.remove(oldest);
            return oldest;
        }
    }

    private void leave(BodyLoad load) {
        synchronized (waiting) {
            waiting.remove(load);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
        if (declared <= 0 && !chunked) {
            return super.handle(request, response, callback);
        }
        if (declared > maxBytes) {
            reject(response, callback, ErrorCode.RequestTooLarge, "the request body declares " + declared
                    + " bytes; at most " + maxBytes + " are accepted");
            return true;
        }
        new BodyLoad(request, response, callback).read(false);
        return true;
    }

    static void reject(Response response, Callback callback, ErrorCode code, String detail) {
        response.setStatus(code.httpStatus());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        if (code == ErrorCode.ServerBusy) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        response.write(true, ByteBuffer.wrap(Problems.json(code, detail)), callback);
    }

    /** One request's body being read: the chunks so far, its place among the waiting, its deadline. */
    private final class BodyLoad implements Invocable.Task {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long started = System.nanoTime();
        private final Deque<Content.Chunk> chunks = new ArrayDeque<>();
        private long size;
        private boolean holdsPlace;
        private boolean settled;
        private Scheduler.Task deadline;

        BodyLoad(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        /** Demand callback: more body bytes (or a failure) are there. */
        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING; // reads and retains; the API runs on another thread
        }

        void read(boolean fromDemand) {
            Runnable next = null;
            BodyLoad evicted = null;
            synchronized (this) {
                while (!settled) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        if (!holdsPlace) {
                            evicted = takePlace();
                        }
                        request.demand(this);
                        break;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        Throwable failure = chunk.getFailure();
                        settle();
                        if (failure instanceof TimeoutException) {
                            reject(response, callback, ErrorCode.RequestTimeout, "the request body did not arrive in time");
                        } else {
                            callback.failed(failure);
                        }
                        break;
                    }
                    chunks.add(chunk);
                    size += chunk.remaining();
                    if (size > maxBytes) {
                        settle();
                        reject(response, callback, ErrorCode.RequestTooLarge, "the request body has more than "
                                + maxBytes + " bytes");
                        break;
                    }
                    if (chunk.isLast()) {
                        next = complete();
                        break;
                    }
                }
            }
            if (evicted != null) {
                evicted.evict(); // outside this load's lock: each load's lock is taken alone
            }
            if (next != null) {
                if (fromDemand) {
                    request.getContext().execute(next); // the API blocks: not on the thread that delivered the bytes
                } else {
                    next.run();
                }
            }
        }

        /** Takes a place among the waiting and arms the deadline; returns the waiter to evict, if any. */
        private BodyLoad takePlace() {
            holdsPlace = true;
            long left = timeout.toNanos() - (System.nanoTime() - started);
            deadline = request.getComponents().getScheduler().schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
            return admit(this);
        }

        /** Pushed out by a newer waiter: answered 503 (it no longer holds its place). */
        private void evict() {
            synchronized (this) {
                if (settled) {
                    return;
                }
                holdsPlace = false;
                settle();
                reject(response, callback, ErrorCode.ServerBusy, "more than " + maxWaiting + " requests are waiting"
                        + " for their bodies and this one has waited longest (" + size + " bytes received); retry shortly");
            }
        }

        private void expire() {
            synchronized (this) {
                if (settled) {
                    return;
                }
                settle();
                reject(response, callback, ErrorCode.RequestTimeout, "the request body did not arrive within "
                        + timeout.toSeconds() + " s (" + size + " bytes received)");
            }
        }

        /** Ends this load: frees its place, cancels its deadline; the chunks are released unless handed on. */
        private void settle() {
            settled = true;
            if (holdsPlace) {
                holdsPlace = false;
                leave(this);
            }
            if (deadline != null) {
                deadline.cancel();
            }
            chunks.forEach(Content.Chunk::release);
            chunks.clear();
        }

        /** The whole body is here: the API's handling, with the body replayed from the retained chunks. */
        private Runnable complete() {
            Deque<Content.Chunk> body = new ArrayDeque<>(chunks);
            chunks.clear();
            settle();
            Replay replay = new Replay(request, callback, body);
            return () -> {
                try {
                    if (!BodyReadLimit.super.handle(replay, response, replay)) {
                        Response.writeError(replay, response, replay, 404);
                    }
                } catch (Throwable t) {
                    Response.writeError(replay, response, replay, t);
                }
            };
        }
    }

    /** The request with its body read already: reads return the retained chunks, released when it ends. */
    private static final class Replay extends Request.Wrapper implements Callback {
        private final Callback callback;
        private final Deque<Content.Chunk> chunks;

        Replay(Request request, Callback callback, Deque<Content.Chunk> chunks) {
            super(request);
            this.callback = callback;
            this.chunks = chunks;
        }

        @Override
        public Content.Chunk read() {
            synchronized (chunks) {
                Content.Chunk chunk = chunks.pollFirst();
                return chunk != null ? chunk : super.read();
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }

        @Override
        public void succeeded() {
            release();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            release();
            callback.failed(failure);
        }

        private void release() {
            synchronized (chunks) {
                chunks.forEach(Content.Chunk::release);
                chunks.clear();
            }
        }
    }
}
