package coffer.server.console;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits guessing token secrets at the console's sign-in form: after {@link #MAX_FAILURES} failed sign-ins from one
 * client (its address) within {@link #WINDOW}, every sign-in from it, right or wrong, is refused
 * {@code SignInThrottled} until the oldest of those failures is {@link #WINDOW} old; the refusal says how long to
 * wait. A successful sign-in forgets the client's failures. Kept in this server's memory (a guesser spread over several
 * servers gets each one's allowance; a restart forgets), for at most {@link #CLIENTS} clients, the least recently
 * failing forgotten first. Thread-safe (synchronized: sign-ins are rare).
 */
final class SignInThrottle {
    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final int CLIENTS = 100_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > CLIENTS;
        }
    };

    SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Refuses {@code SignInThrottled} while {@code client} has had too many failed sign-ins lately. */
    synchronized void check(String client) {
        long seconds = retryAfterSeconds(client);
        if (seconds > 0) {
            throw new CofferException(ErrorCode.SignInThrottled, MAX_FAILURES + " failed sign-ins from " + client
                    + " within " + WINDOW.toMinutes() + " minutes; sign-ins from it are refused for " + seconds
                    + " more second(s)");
        }
    }

    synchronized void failed(String client) {
        Deque<Instant> recent = recent(client);
        if (recent == null) {
            recent = new ArrayDeque<>();
            failures.put(client, recent);
        }
        recent.addLast(clock.instant());
        while (recent.size() > MAX_FAILURES) {
            recent.removeFirst();
        }
    }

    synchronized void succeeded(String client) {
        failures.remove(client);
    }

    /** How long a refused client waits, in whole seconds (for {@code Retry-After}); 0 when it is not refused. */
    synchronized long retryAfterSeconds(String client) {
        Deque<Instant> recent = recent(client);
        return recent == null || recent.size() < MAX_FAILURES ? 0
                : Math.max(1, Duration.between(clock.instant(), recent.peekFirst().plus(WINDOW)).toSeconds() + 1);
    }

    /** The client's failures within the window (older ones dropped), or null when there is none. */
    private Deque<Instant> recent(String client) {
        Deque<Instant> recent = failures.get(client);
        if (recent == null) {
            return null;
        }
        Instant since = clock.instant().minus(WINDOW);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(since)) {
            recent.removeFirst();
        }
        if (recent.isEmpty()) {
            failures.remove(client);
            return null;
        }
        return recent;
    }
}
