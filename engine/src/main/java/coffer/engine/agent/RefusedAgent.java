package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;

import java.util.concurrent.CompletableFuture;

/**
 * The servers as an agent's runtime calls them, watched for a refusal of the agent itself: the first call answered
 * {@code Unauthorized} (the agent's token was revoked, or never existed in this catalog) or {@code AgentHostTaken}
 * (another agent serves its host: docs/design/agents.md, "One agent per host") completes {@link #refused}, and the agent
 * stops (docs/design/agents.md, "Heartbeats and failure handling"); the call still fails to its caller. Before, a
 * revoked agent went on for ever, its claims and heartbeats refused every second, and two agents of one host took it
 * from each other every minute. Thread-safe.
 */
final class RefusedAgent implements Operations {
    private final Operations server;
    private final CompletableFuture<CofferException> refused = new CompletableFuture<>();

    RefusedAgent(Operations server) {
        this.server = server;
    }

    /** Completes with the first {@code Unauthorized} or {@code AgentHostTaken} answer. */
    CompletableFuture<CofferException> refused() {
        return refused;
    }

    @Override
    public <R> R call(Operation<R> operation) {
        try {
            return server.call(operation);
        } catch (CofferException e) {
            if (e.code() == ErrorCode.Unauthorized || e.code() == ErrorCode.AgentHostTaken) {
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
