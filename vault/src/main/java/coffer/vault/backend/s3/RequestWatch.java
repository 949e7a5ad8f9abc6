package coffer.vault.backend.s3;

import coffer.vault.backend.AfterCancel;
import coffer.vault.backend.FirstAnswer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the requests an {@link S3Backend} has in flight and aborts (closes the connection of) each one that
 * <ul>
 *   <li>belongs to an interrupted thread: a cancel. A thread blocked in a socket read does not notice its interrupt
 *       (the AWS SDK checks it only between the stages of a request), so without this a cancel against a store that
 *       stopped answering waited out the socket timeout of every attempt: minutes (docs/reliability.md, session 20);</li>
 *   <li>moved no byte, either way, for the stall limit: a store that stopped answering fails the request by itself,
 *       measured on progress, never on the request's total time, so a slow large upload is never cut;</li>
 *   <li>is part of a cancelled operation's cleanup ({@link AfterCancel}) and has not ended within the cleanup's
 *       patience; the scope is then marked unresponsive and its later requests are not sent at all;</li>
 *   <li>was sent in a {@link FirstAnswer} scope (a vault's opening) and got no byte, either way, within the scope's
 *       bound before its answer began; the scope is then marked unanswered and its later requests are not sent.</li>
 * </ul>
 * It also keeps when the store last answered a request ({@link #sinceLastAnswer}): a vault in use needs no separate
 * look to know its store answers. And it tells when the store stopped answering: a request that got no byte, either way,
 * for {@link #SILENCE} before its answer began makes the store {@link #silent} (the request is not aborted for it: it
 * may still be answered), which the {@link StoreSilence} listener hears at once, until a request is answered again.
 * One daemon thread looks every {@link #PERIOD} while requests are in flight and sleeps while none is; it ends with
 * {@link #close}. Aborting makes the blocked read or write fail at once; the SDK then sees the interrupt and gives up,
 * or (a stall) counts a failed attempt as it does for a socket timeout (docs/design/s3.md, "Cancel and stalls").
 *
 * <p>Thread-safe.
 */
final class RequestWatch implements AutoCloseable {
    /** How often the requests in flight are looked at: what a cancel may wait at most, besides the abort itself. */
    static final Duration PERIOD = Duration.ofMillis(100);
    /** No byte moved for this long fails a request: the socket timeout's length, now also for writes. */
    static final Duration STALL_LIMIT = Duration.ofMinutes(2);
    /** What one request of a cancelled run's cleanup may take (a delete or a small put; milliseconds on a working store). */
    static final Duration CLEANUP_PATIENCE = Duration.ofSeconds(5);
    /**
     * A request that got no byte, either way, for this long before its answer began says the store does not answer (the
     * bound of a vault's opening, {@code LocalVaults.FIRST_ANSWER}): the store is {@link #silent} from then on.
     */
    static final Duration SILENCE = Duration.ofSeconds(10);
    private static final String INTERRUPTED = "aborted: its thread was interrupted (the operation was cancelled)";
    private static final String CLEANUP_ABORT = "aborted: no answer within ";

    private final long stallNanos;
    private final long patienceNanos;
    private final long silenceNanos;
    private final Set<InFlight> flying = ConcurrentHashMap.newKeySet();
    private final AtomicLong cleanupAborts = new AtomicLong();
    /** {@link System#nanoTime} of the last answer, valid once {@link #answered} is set. */
    private volatile long lastAnswerNanos;
    private volatile boolean answered;
    /**
     * Whether a request went {@link #SILENCE} without a byte since the last answer of normal use; changed, and the
     * listener told, under {@link #silence}, so the listener hears the changes in their order.
     */
    private volatile boolean silent;
    private final Object silence = new Object();
    private volatile StoreSilence listener = StoreSilence.NONE;
    private final Object start = new Object();
    private volatile Thread watcher;
    private volatile boolean closed;

    RequestWatch() {
        this(STALL_LIMIT, CLEANUP_PATIENCE);
    }

    RequestWatch(Duration stallLimit, Duration cleanupPatience) {
        this(stallLimit, cleanupPatience, SILENCE);
    }

    RequestWatch(Duration stallLimit, Duration cleanupPatience, Duration silence) {
        this.stallNanos = stallLimit.toNanos();
        this.patienceNanos = cleanupPatience.toNanos();
        this.silenceNanos = silence.toNanos();
    }

    /** Who hears when the store stops answering and when it answers again (one listener; replaces the earlier one). */
    void listen(StoreSilence listener) {
        this.listener = listener == null ? StoreSilence.NONE : listener;
    }

    /** Whether a request went {@link #SILENCE} without a byte, either way, since the store last answered one. */
    boolean silent() {
        return silent;
    }

    private void becameSilent(String why) {
        synchronized (silence) {
            if (silent) {
                return;
            }
            silent = true;
            tell(() -> listener.silent(why));
        }
    }

    private void answersAgain() {
        synchronized (silence) {
            if (!silent) {
                return;
            }
            silent = false;
            tell(listener::answering);
        }
    }

    /** Tells the listener; what it throws must not end the watch (nor fail a request). */
    private static void tell(Runnable news) {
        try {
            news.run();
        } catch (RuntimeException ignored) {
            // the listener's trouble: the watch goes on aborting what it must
        }
    }

    Duration cleanupPatience() {
        return Duration.ofNanos(patienceNanos);
    }

    /** A request about to be sent by the calling thread, in {@code scope} (null: not a cleanup after a cancel). */
    InFlight prepare(AfterCancel scope) {
        return new InFlight(Thread.currentThread(), scope, FirstAnswer.current());
    }

    /**
     * The store answered a request with {@code status}: a success, or an answer that is part of normal use (404 of a
     * look-up, 409 or 412 of a conditional write). Failures of the store itself (5xx) and refusals (401, 403) do not count.
     */
    void answered(int status) {
        if ((status >= 200 && status < 300) || status == 304 || status == 404 || status == 409 || status == 412) {
            lastAnswerNanos = System.nanoTime();
            answered = true;
            if (silent) {
                answersAgain();
            }
        }
    }

    /** How long ago the store last answered a request of normal use; empty before the first such answer. */
    Optional<Duration> sinceLastAnswer() {
        return answered ? Optional.of(Duration.ofNanos(System.nanoTime() - lastAnswerNanos)) : Optional.empty();
    }

    /** How many requests of cancelled runs' cleanups ran out of patience (for tests: once per cancelled run). */
    long cleanupAborts() {
        return cleanupAborts.get();
    }

    /** The request is sent from now on. */
    void enter(InFlight flight) {
        flight.sent();
        flying.add(flight);
        Thread w = watcher;
        if (w == null) {
            w = startWatcher();
        }
        LockSupport.unpark(w);
    }

    /** The request ended (its response read or closed, or it failed). */
    void exit(InFlight flight) {
        flying.remove(flight);
    }

    /** How many requests are in flight (for tests). */
    int inFlight() {
        return flying.size();
    }

    private Thread startWatcher() {
        synchronized (start) {
            if (watcher == null && !closed) {
                Thread t = new Thread(this::watch, "coffer-s3-request-watch");
                t.setDaemon(true);
                watcher = t;
                t.start();
            }
            return watcher == null ? Thread.currentThread() : watcher;
        }
    }

    private void watch() {
        while (!closed) {
            if (flying.isEmpty()) {
                LockSupport.park(this);
                continue;
            }
            long now = System.nanoTime();
            for (InFlight flight : flying) {
                if (flight.silentFor(now) > silenceNanos && flight.reportSilence()) {
                    becameSilent("a request got no byte either way for " + seconds(Duration.ofNanos(silenceNanos))
                            + " (the store accepts connections but does not answer)");
                }
                String why = flight.overdue(now, stallNanos, patienceNanos);
                if (why != null) {
                    if (why.startsWith(CLEANUP_ABORT)) {
                        cleanupAborts.incrementAndGet();
                    }
                    flight.abort(why);
                    flying.remove(flight);
                }
            }
            LockSupport.parkNanos(this, PERIOD.toNanos());
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread w = watcher;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Set on a thread whose request was aborted because the thread was interrupted, until {@link #restoreInterrupt}. */
    private static final ThreadLocal<Boolean> ABORTED_ON_INTERRUPT = new ThreadLocal<>();

    /**
     * Interrupts the calling thread again when one of its requests was aborted because it was interrupted: the SDK may
     * have cleared the interrupt on its way out, and the caller's cleanup must know it was cancelled
     * ({@link AfterCancel}). Called where a failure leaves the backend.
     */
    static void restoreInterrupt() {
        if (ABORTED_ON_INTERRUPT.get() != null) {
            ABORTED_ON_INTERRUPT.remove();
            Thread.currentThread().interrupt();
        }
    }

    /** One request: its thread, its progress, how to abort it and, once aborted, why. */
    static final class InFlight {
        private final Thread thread;
        private final AfterCancel scope;
        private final FirstAnswer first;
        private volatile long sentNanos;
        private volatile long progressNanos;
        private volatile boolean answerBegan;
        private volatile boolean silenceReported;
        private volatile Runnable abort = () -> { };
        private volatile String abortedBecause;

        private InFlight(Thread thread, AfterCancel scope, FirstAnswer first) {
            this.thread = thread;
            this.scope = scope;
            this.first = first;
        }

        void sent() {
            sentNanos = progressNanos = System.nanoTime();
        }

        void progressed() {
            progressNanos = System.nanoTime();
        }

        /** The store's answer (its status line and headers) arrived. */
        void answerBegan() {
            answerBegan = true;
            progressed();
        }

        /** How long the request has gone without a byte before its answer began (0 once it began). */
        long silentFor(long now) {
            return answerBegan ? 0 : now - progressNanos;
        }

        /** True the first time only: each request tells of the store's silence once. */
        boolean reportSilence() {
            if (silenceReported) {
                return false;
            }
            silenceReported = true;
            return true;
        }

        void abortWith(Runnable action) {
            abort = action;
        }

        boolean scopeUnresponsive() {
            return scope != null && scope.unresponsive();
        }

        /** Why the request is not to be sent at all: its scope already found the store not answering; else null. */
        String notSentBecause(Duration cleanupPatience) {
            if (scopeUnresponsive()) {
                return "not sent: the store did not answer this cancelled run's cleanup within " + seconds(cleanupPatience);
            }
            if (first != null && first.unanswered()) {
                return "not sent: the store did not answer within " + seconds(first.bound())
                        + " (no byte either way; it accepts connections but does not answer)";
            }
            return null;
        }

        String overdue(long now, long stallNanos, long patienceNanos) {
            if (thread.isInterrupted()) {
                return INTERRUPTED;
            }
            if (scope != null && now - sentNanos > patienceNanos) {
                scope.markUnresponsive();
                return CLEANUP_ABORT + seconds(Duration.ofNanos(patienceNanos))
                        + " to a cancelled run's cleanup (the store is not answering)";
            }
            if (first != null && !answerBegan && now - progressNanos > first.bound().toNanos()) {
                first.markUnanswered();
                return "aborted: no byte either way within " + seconds(first.bound())
                        + " (the store accepts connections but does not answer)";
            }
            if (now - progressNanos > stallNanos) {
                return "aborted: no byte moved for " + seconds(Duration.ofNanos(stallNanos))
                        + " (the store is not answering)";
            }
            return null;
        }

        void abort(String why) {
            abortedBecause = why;
            try {
                abort.run();
            } catch (RuntimeException ignored) {
                // the connection is closed or being closed: the blocked call fails either way
            }
        }

        /** {@code e}, or what says why the request was aborted when it was. */
        IOException explain(Exception e) {
            String why = abortedBecause;
            if (why == null) {
                if (e instanceof IOException io) {
                    return io;
                }
                throw (RuntimeException) e;
            }
            if (why.startsWith(INTERRUPTED) && Thread.currentThread() == thread) {
                ABORTED_ON_INTERRUPT.set(Boolean.TRUE);
            }
            InterruptedIOException aborted = new InterruptedIOException(why);
            aborted.initCause(e);
            return aborted;
        }
    }
}
