package coffer.server.api;

import coffer.engine.catalog.Token;
import coffer.engine.operation.Attributed;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.LongPoll;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import coffer.server.auth.AgentTokenHosts;
import coffer.server.auth.BearerAuthentication;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.RequestBinding;
import coffer.server.http.Routes;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API's operation endpoints ({@link Endpoints}): each binds its request into the operation record, calls
 * {@link Operations} (a job operation is started and answered with its job), and writes the result record (a
 * {@link LongPoll} on a virtual thread of its own, the request made asynchronous). An
 * {@link Attributed} record gets the name of the token that authenticated the request; an agent request is checked to
 * be for the agent token's host ({@link AgentTokenHosts}). Nothing else happens here: the rules are the engine's.
 */
public final class OperationRoutes {
    /** Where {@link LongPoll} operations wait: a virtual thread each, so waiting agents hold no request thread. */
    private static final ExecutorService LONG_POLLS = Executors.newVirtualThreadPerTaskExecutor();

    private final Operations operations;
    private final AgentTokenHosts agentHosts;

    public OperationRoutes(Operations operations, AgentTokenHosts agentHosts) {
        this.operations = operations;
        this.agentHosts = agentHosts;
    }

    public void register(Routes routes) {
        for (Endpoint endpoint : Endpoints.ALL) {
            routes.add(endpoint.method(), endpoint.path(), endpoint.role(), ctx -> {
                Object request = RequestBinding.bind(endpoint, ctx);
                if (request instanceof Attributed<?> attributed) { // who asks is the token's, never the body's
                    Token token = ctx.attribute(BearerAuthentication.TOKEN);
                    request = attributed.attributedTo(token == null ? null : token.name());
                }
                if (endpoint.role() == Role.agent) { // an agent token acts for its host only
                    agentHosts.check(ctx.attribute(BearerAuthentication.TOKEN), request);
                }
                if (request instanceof LongPoll) { // it may wait: on a virtual thread, the request thread is freed
                    Operation<?> waiting = (Operation<?>) request;
                    ctx.async(task -> task.executor = LONG_POLLS,
                            () -> Json.write(ctx, endpoint.status(), operations.call(waiting)));
                    return;
                }
                Object result = request instanceof JobOperation<?> job ? operations.start(job).job().orElseThrow()
                        : operations.call((Operation<?>) request);
                Json.write(ctx, endpoint.status(), result);
            });
        }
    }
}
