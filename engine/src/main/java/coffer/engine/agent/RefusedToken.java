package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;

import java.util.concurrent.CompletableFuture;

/**
 * The servers as an agent's runtime calls them, watched for a refused token: the first call answered
 * {@code Unauthorized} (the agent's token was revoked, or never existed in this catalog) completes {@link #refused}, and
 * the agent stops (docs/design/agents.md, "Heartbeats and failure handling"); the call still fails to its caller. Before,
 * a revoked agent went on for ever, its claims and heartbeats refused every second. Thread-safe.
 */
final class RefusedToken implements Operations {
    private final Operations server;
    private final CompletableFuture<CofferException> refused = new CompletableFuture<>();

    RefusedToken(Operations server) {
        this.server = server;
    }

    /** Completes with the first {@code Unauthorized} answer. */
    CompletableFuture<CofferException> refused() {
        return refused;
    }

    @Override
    public <R> R call(Operation<R> operation) {
        try {
            return server.call(operation);
        } catch (CofferException e) {
            if (e.code() == ErrorCode.Unauthorized) {
                refused.complete(e);
            }
            throw e;
        }
    }

    @Override
    public <R> Run<R> start(JobOperation<R> operation) {
        return server.start(operation);
    }
}
