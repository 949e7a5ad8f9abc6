package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CLI's client of the Coffer API (JDK HTTP client, JSON). A problem answer becomes a
 * {@link CofferException} with the server's stable code and message, so the CLI prints and exits exactly
 * as for a local failure.
 */
final class ApiClient {
    private static final ObjectMapper JSON = coffer.engine.json.CofferJson.MAPPER;

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(String url, String token) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode get(String path, Map<String, String> query) {
        return get(path + query(query));
    }

    /** {@code ?a=1&b=2} of the non-null values, or nothing. */
    static String query(Map<String, String> query) {
        String q = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5))
                    .header("Accept", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw problem(response.statusCode(), answer);
            }
            return answer;
        } catch (ConnectException e) {
            throw new CofferException(ErrorCode.ServerUnreachable, "cannot connect to the Coffer server at " + base);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.ServerUnreachable, "talking to the Coffer server at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.Cancelled, "interrupted");
        }
    }

    /**
     * Downloads {@code path} into the new file {@code to} (TargetExists when it exists). With {@code from} above 0 it
     * asks for the bytes from there on ({@code Range}) and appends them: a broken download resumes. Returns the bytes
     * written: 0 when {@code to} already held the whole file. The local file is checked before anything is asked (a
     * missing directory is a bad {@code --to}, not an unreachable server).
     */
    long download(String path, java.nio.file.Path to, long from) {
        DownloadTarget.check(to, from > 0);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofHours(12)).GET();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                if (from > 0 && response.statusCode() == 416) {
                    return DownloadTarget.alreadyWhole(to, from, response.headers().firstValue("Content-Range").orElse(null));
                }
                if (response.statusCode() >= 400) {
                    byte[] answer = body.readAllBytes();
                    throw problem(response.statusCode(), answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer));
                }
                if (from > 0 && response.statusCode() != 206) {
                    throw new CofferException(ErrorCode.Internal, "the server did not answer the range request (HTTP "
                            + response.statusCode() + ")");
                }
                java.io.OutputStream out;
                try {
                    out = from > 0
                            ? java.nio.file.Files.newOutputStream(to, java.nio.file.StandardOpenOption.APPEND)
                            : java.nio.file.Files.newOutputStream(to, java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw DownloadTarget.exists(to);
                } catch (IOException e) {
                    throw DownloadTarget.unwritable(to, e);
                }
                try (out) {
                    return body.transferTo(out);
                }
            }
        } catch (ConnectException e) {
            throw new CofferException(ErrorCode.ServerUnreachable, "cannot connect to the Coffer server at " + base);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.ServerUnreachable, "downloading from the Coffer server at " + base + " failed: "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.Cancelled, "interrupted");
        }
    }

    private static CofferException problem(int status, JsonNode answer) {
        String codeName = answer.path("code").asText("");
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(codeName);
        } catch (IllegalArgumentException e) {
            code = ErrorCode.Internal;
        }
        String detail = answer.path("detail").asText("the server answered HTTP " + status);
        return new CofferException(code, detail);
    }
}
