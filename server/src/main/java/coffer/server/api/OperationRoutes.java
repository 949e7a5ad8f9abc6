package coffer.server.api;

import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import coffer.server.http.Json;
import coffer.server.http.RequestBinding;
import coffer.server.http.Routes;

/**
 * The API's operation endpoints ({@link Endpoints}): each binds its request into the operation record, calls
 * {@link Operations} (a job operation is started and answered with its job), and writes the result record.
 * Nothing else happens here: the rules are the engine's.
 */
public final class OperationRoutes {
    private final Operations operations;

    public OperationRoutes(Operations operations) {
        this.operations = operations;
    }

    public void register(Routes routes) {
        for (Endpoint endpoint : Endpoints.ALL) {
            routes.add(endpoint.method(), endpoint.path(), endpoint.role(), ctx -> {
                Object request = RequestBinding.bind(endpoint, ctx);
                Object result = request instanceof JobOperation<?> job ? operations.start(job).job().orElseThrow()
                        : operations.call((Operation<?>) request);
                Json.write(ctx, endpoint.status(), result);
            });
        }
    }
}
