package coffer.server.api;

import coffer.engine.operation.JobOperation;
import coffer.server.auth.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API endpoint of an operation: method, path (with {@code {name}} parameters, each a field of the record),
 * the least role it needs, the operation record it binds, the status of a success, and the record field the
 * whole request body binds to ({@code null}: the body's fields are the record's). A job operation answers
 * 202 with its job. The table of them ({@link Endpoints}) is the single source of the router, the OpenAPI
 * document and the command line's client.
 */
public record Endpoint(String method, String path, Role role, Class<?> operation, int status, String bodyField) {
    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z]+)}");

    public Endpoint {
        if (!operation.isRecord()) {
            throw new IllegalArgumentException(operation + " is not a record");
        }
        for (String name : pathParameters(path)) {
            if (java.util.Arrays.stream(operation.getRecordComponents()).noneMatch(c -> c.getName().equals(name))) {
                throw new IllegalArgumentException(path + ": {" + name + "} is no field of " + operation.getSimpleName());
            }
        }
    }

    /** The names of the path's parameters, in order. */
    public List<String> pathParameters() {
        return pathParameters(path);
    }

    /** Whether the request has a body (POST, PUT); else the record's other fields are query parameters. */
    public boolean hasBody() {
        return method.equals("POST") || method.equals("PUT");
    }

    public boolean isJob() {
        return JobOperation.class.isAssignableFrom(operation);
    }

    private static List<String> pathParameters(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAMETER.matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
