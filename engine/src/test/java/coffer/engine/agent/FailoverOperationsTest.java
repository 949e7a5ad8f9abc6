package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.AgentBeat;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The agent's choice of server. The servers here are fakes (named so): each answers a fixed beat or throws a fixed
 * error, counting its calls; the real transport and servers are in AgentFailoverIT (cli).
 */
class FailoverOperationsTest {
    private static final HeartbeatAgent BEAT = new HeartbeatAgent("local", "vm:1:ab", List.of());

    /** A fake server: throws {@code failure} when set, else answers a beat with {@code running}. */
    static final class FakeServer implements Operations {
        final AtomicInteger calls = new AtomicInteger();
        volatile ErrorCode failure;
        final int running;

        FakeServer(ErrorCode failure, int running) {
            this.failure = failure;
            this.running = running;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R call(Operation<R> operation) {
            calls.incrementAndGet();
            if (failure != null) {
                throw new CofferException(failure, "fake server fails " + failure);
            }
            return (R) new AgentBeat(running, List.of(), List.of());
        }

        @Override
        public <R> Run<R> start(JobOperation<R> operation) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aServerFailingWithA5xxIsLeftForTheNextWhichIsKept() {
        FakeServer dead = new FakeServer(ErrorCode.ServerUnreachable, 1);
        FakeServer alive = new FakeServer(null, 2);
        FailoverOperations servers = new FailoverOperations(List.of(dead, alive));
        assertEquals(2, servers.call(BEAT).running());
        assertEquals(1, servers.current());
        assertEquals(2, servers.call(BEAT).running());
        assertEquals(1, dead.calls.get(), "the next calls go straight to the server that answered");
        alive.failure = ErrorCode.CatalogFailure;
        dead.failure = null;
        assertEquals(1, servers.call(BEAT).running(), "and back when that one fails");
        assertEquals(0, servers.current());
    }

    @Test
    void anAnswerOfThe4xxKindIsThrownAtOnceWithItsCode() {
        FakeServer refusing = new FakeServer(ErrorCode.InvalidArgument, 1);
        FakeServer other = new FakeServer(null, 2);
        FailoverOperations servers = new FailoverOperations(List.of(refusing, other));
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> servers.call(BEAT)).code());
        assertEquals(0, other.calls.get());
        assertEquals(0, servers.current());
    }

    @Test
    void whenEveryServerFailsTheLastErrorIsThrownAfterBoundedRounds() {
        FakeServer a = new FakeServer(ErrorCode.ServerUnreachable, 1);
        FakeServer b = new FakeServer(ErrorCode.ServerBusy, 2);
        FailoverOperations servers = new FailoverOperations(List.of(a, b));
        CofferException e = assertThrows(CofferException.class, () -> servers.call(BEAT));
        assertEquals(ErrorCode.ServerBusy, e.code());
        assertEquals(FailoverOperations.ROUNDS, a.calls.get());
        assertEquals(FailoverOperations.ROUNDS, b.calls.get());
    }

    @Test
    void oneServerIsCalledOnceAsBefore() {
        FakeServer only = new FakeServer(ErrorCode.ServerUnreachable, 1);
        FailoverOperations servers = new FailoverOperations(List.of(only));
        assertEquals(ErrorCode.ServerUnreachable, assertThrows(CofferException.class, () -> servers.call(BEAT)).code());
        assertEquals(1, only.calls.get());
    }
}
