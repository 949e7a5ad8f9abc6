package coffer.server.api;

import coffer.engine.catalog.Token;
import coffer.engine.operation.AgentRequests;
import coffer.engine.operation.Attributed;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.LongPoll;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import coffer.server.auth.BearerAuthentication;
import coffer.server.auth.Role;
import coffer.server.http.AnsweredFailures;
import coffer.server.http.Json;
import coffer.server.http.RequestBinding;
import coffer.server.http.Routes;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API's operation endpoints ({@link Endpoints}): each binds its request into the operation record, calls
 * {@link Operations} (a job operation is started and answered with its job), and writes the result record (a
 * {@link LongPoll} on a virtual thread of its own, the request made asynchronous). An
 * {@link Attributed} record gets the name of the token that authenticated the request; an agent request is answered with
 * that token ({@link AgentRequests}), which acts for one host: the engine checks it where it reads the request's job. Nothing else happens here: the rules are the engine's.
 */
public final class OperationRoutes {
    /** Where {@link LongPoll} operations wait: a virtual thread each, so waiting agents hold no request thread. */
    private static final ExecutorService LONG_POLLS = Executors.newVirtualThreadPerTaskExecutor();

    private final Operations operations;
    private final AgentRequests agents;

    public OperationRoutes(Operations operations, AgentRequests agents) {
        this.operations = operations;
        this.agents = agents;
    }

    public void register(Routes routes) {
        for (Endpoint endpoint : Endpoints.ALL) {
            routes.add(endpoint.method(), endpoint.path(), endpoint.role(), ctx -> {
                Object request = RequestBinding.bind(endpoint, ctx);
                Token token = ctx.attribute(BearerAuthentication.TOKEN);
                if (request instanceof Attributed<?> attributed) { // who asks is the token's, never the body's
                    request = attributed.attributedTo(token == null ? null : token.name());
                }
                boolean agent = endpoint.role() == Role.agent; // an agent token acts for its host only
                Operation<?> operation = request instanceof Operation<?> o ? o : null;
                if (request instanceof LongPoll) { // it may wait: on a virtual thread, the request thread is freed
                    ctx.async(task -> task.executor = LONG_POLLS, () -> {
                        try {
                            Json.write(ctx, endpoint.status(),
                                    agent ? agents.callAs(token, operation) : operations.call(operation));
                        } catch (Throwable failure) {
                            AnsweredFailures.answer(ctx, failure);
                        }
                    });
                    return;
                }
                if (agent) {
                    Json.write(ctx, endpoint.status(), agents.callAs(token, operation));
                    return;
                }
                Object result = request instanceof JobOperation<?> job ? operations.start(job).job().orElseThrow()
                        : operations.call((Operation<?>) request);
                Json.write(ctx, endpoint.status(), result);
            });
        }
    }
}
