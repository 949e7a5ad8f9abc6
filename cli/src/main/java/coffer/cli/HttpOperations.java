package coffer.cli;

import coffer.engine.json.CofferJson;
import coffer.engine.operation.JobFollow;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.JobView;
import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;
import coffer.engine.operation.ShowJob;
import coffer.server.api.Endpoint;
import coffer.server.api.Endpoints;
import coffer.server.api.RecordFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Operations} through a server: each record goes to its endpoint ({@link Endpoints}, the server's own
 * table) — its path parameters into the path, its other fields into the query (GET, DELETE) or the JSON body
 * (POST, PUT) — and the answer is read back into the same result record the server wrote. A long operation is
 * its job; {@link Run#await} follows it and reads its result record. Thread-safe.
 */
final class HttpOperations implements Operations {
    private final ApiClient client;

    HttpOperations(ApiClient client) {
        this.client = client;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(Operation<R> operation) {
        return (R) CofferJson.read(send((Record) operation), resultOf(operation.getClass()));
    }

    @Override
    public <R> Run<R> start(JobOperation<R> operation) {
        JobView job = CofferJson.read(send((Record) operation), JobView.class);
        @SuppressWarnings("unchecked")
        Class<R> result = (Class<R>) operation.type().result();
        return JobFollow.run(job, () -> call(new ShowJob(job.id())), result);
    }

    private JsonNode send(Record operation) {
        Endpoint endpoint = Endpoints.of(operation);
        String path = endpoint.path();
        for (String name : endpoint.pathParameters()) {
            path = path.replace("{" + name + "}", ApiClient.segment(String.valueOf(RecordFields.value(operation, name))));
        }
        ObjectNode fields = (ObjectNode) CofferJson.tree(operation);
        endpoint.pathParameters().forEach(fields::remove);
        if (!endpoint.hasBody()) {
            Map<String, String> query = new LinkedHashMap<>();
            fields.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    query.put(e.getKey(), e.getValue().asText());
                }
            });
            return endpoint.method().equals("GET") ? client.get(path, query) : client.delete(path + ApiClient.query(query));
        }
        Object body = endpoint.bodyField() != null ? fields.get(endpoint.bodyField()) : withoutNulls(fields);
        return endpoint.method().equals("POST") ? client.post(path, body) : client.put(path, body);
    }

    private static ObjectNode withoutNulls(ObjectNode fields) {
        ObjectNode body = fields.objectNode();
        fields.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                body.set(e.getKey(), e.getValue());
            }
        });
        return body;
    }

    /** The {@code R} of a record implementing {@code Operation<R>}. */
    static Class<?> resultOf(Class<?> operation) {
        for (Type type : operation.getGenericInterfaces()) {
            if (type instanceof ParameterizedType p && p.getRawType() == Operation.class) {
                return (Class<?>) p.getActualTypeArguments()[0];
            }
        }
        throw new IllegalArgumentException(operation + " is no Operation");
    }
}
