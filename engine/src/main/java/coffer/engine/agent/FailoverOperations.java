package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent's {@link Operations} over several servers of one catalog (docs/design/agents.md, "Several servers"): every
 * call goes to the current server; when it fails with a server-side error (HTTP 5xx: {@code ServerUnreachable},
 * {@code ServerBusy}, {@code CatalogFailure}, {@code Internal}) the agent moves to the next server and calls again,
 * going round the list at most {@link #ROUNDS} times with a short back-off after each full round. Other errors (4xx:
 * {@code InvalidArgument}, {@code AgentVersionMismatch}, ...) are the answer and are thrown at once; when every try
 * failed the last error is thrown with its code. With one server a call is made once, as without this class.
 * Thread-safe (the current server is an atomic index; the servers' transports are thread-safe).
 */
public final class FailoverOperations implements Operations {
    /** How many times the list of servers is gone round for one call. */
    static final int ROUNDS = 3;
    /** The pause after a full round of failed tries, multiplied by the round's number. */
    private static final Duration BACK_OFF = Duration.ofMillis(500);

    private final List<Operations> servers;
    private final AtomicInteger current = new AtomicInteger();

    /** The servers in the order they are tried; the first is used until it fails. */
    public FailoverOperations(List<Operations> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server");
        }
        this.servers = List.copyOf(servers);
    }

    /** The index of the server calls go to now (tests, the agent's messages). */
    public int current() {
        return current.get();
    }

    @Override
    public <R> R call(Operation<R> operation) {
        int tries = servers.size() == 1 ? 1 : servers.size() * ROUNDS;
        for (int attempt = 1; ; attempt++) {
            int index = current.get();
            try {
                return servers.get(index).call(operation);
            } catch (CofferException e) {
                if (e.code().httpStatus() < 500 || attempt >= tries) {
                    throw e;
                }
                current.compareAndSet(index, (index + 1) % servers.size());
                if (attempt % servers.size() == 0) {
                    pause(BACK_OFF.multipliedBy(attempt / servers.size()), e);
                }
            }
        }
    }

    /** Started on the current server: a job is followed where it was submitted (agents start no jobs). */
    @Override
    public <R> Run<R> start(JobOperation<R> operation) {
        return servers.get(current.get()).start(operation);
    }

    private static void pause(Duration pause, CofferException failure) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }
}
