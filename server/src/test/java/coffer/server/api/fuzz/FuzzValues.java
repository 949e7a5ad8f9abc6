package coffer.server.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fuzzer's inputs, as jqwik arbitraries (so failures shrink and replay by seed): request-target segments
 * (encoded text and path tricks), JSON values shaped by a JSON schema with wrong types, nulls, huge and unicode
 * values mixed in, and request bodies that are not JSON at all. Stateless.
 */
final class FuzzValues {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Strings a careless server trips over: traversal, injection, format strings, control and bidi characters. */
    private static final List<String> TRICKY_TEXT = List.of("", " ", "..", "../../etc/passwd", "/etc/cron.d/x",
            "C:\\Windows\\system32", "\u0000", "a\u0000b", "\n", "\r\nX-Injected: 1", "${jndi:ldap://127.0.0.1/a}",
            "'; DROP TABLE tokens;--", "\" OR 1=1 --", "%s%s%n%n", "{{7*7}}", "<script>alert(1)</script>", "\u202egnp.exe",
            "\uD83D\uDE00", "\uD800", "名前", "ℵ₀", "\uFEFF", "NaN", "-1", "0", "1e309", "9223372036854775808", "true",
            "null", "default", "admin", "viewer", "operator", "vda", "qcow2", "raw", "P1D", "I|1700000000|P1D",
            "2026-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000000", "coffer-it-fuzz");

    /** Request-target segments as they go on the wire, not re-encoded: traversal, bad escapes, odd bytes. */
    private static final List<String> RAW_SEGMENTS = List.of("..", ".", "%2e%2e", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
            "..%2f..%2f", "a%2Fb", "%2F", "%00", "a%00b", "%ff%fe", "%C0%AF", "%", "%zz", "%u0041", ";", "a;b=c",
            ";jsessionid=x", "~", "*", "+", "%20", "%0d%0aX-Injected:%201", "%7B%7D", "%25", "a//b", "%5c..%5c");

    private FuzzValues() {
    }

    /** A path segment in wire form: encoded text of any kind, or a raw trick. */
    static Arbitrary<String> pathSegments() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, text().map(FuzzValues::encode)),
                Tuple.of(3, Arbitraries.of(RAW_SEGMENTS)),
                Tuple.of(1, Arbitraries.strings().withChars("./%;~").ofMinLength(1).ofMaxLength(12)),
                Tuple.of(1, Arbitraries.integers().between(1_000, 12_000).map("a"::repeat))); // over the URI limit, too
    }

    /** A query string: the operation's parameters and unknown ones, with any values (wire form, no '?'). */
    static Arbitrary<String> query(List<OpenApiOperations.Parameter> parameters) {
        List<String> names = new ArrayList<>(parameters.stream().map(OpenApiOperations.Parameter::name).toList());
        names.addAll(List.of("unknown", "limit", "offset", "vault", "%zz", "a%00"));
        Arbitrary<String> pair = Combinators.combine(Arbitraries.of(names),
                Arbitraries.oneOf(text().map(FuzzValues::encode), Arbitraries.of(RAW_SEGMENTS))).as((n, v) -> n + "=" + v);
        return pair.list().ofMaxSize(4).map(pairs -> String.join("&", pairs));
    }

    /** Text of every kind: any unicode, printable ASCII, tricky values, huge ones. */
    static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(3, Arbitraries.strings().ascii().ofMaxLength(24)),
                Tuple.of(3, Arbitraries.of(TRICKY_TEXT)),
                Tuple.of(1, Arbitraries.integers().between(1_000, 200_000).map("x"::repeat)));
    }

    /**
     * A request body of {@code schema}: the object it describes, with every field's value of the field's schema
     * most of the time, else of any other type (null, huge, nested). The body itself stays of the schema's type
     * (a whole body that is not an object: {@link #nonObjectBodies()}).
     */
    static Arbitrary<JsonNode> body(JsonNode schema) {
        return validFor(schema, 0);
    }

    /** A JSON value of {@code schema} most of the time, else one of any other type (null, huge, nested). */
    static Arbitrary<JsonNode> forSchema(JsonNode schema, int depth) {
        return Arbitraries.frequencyOf(Tuple.of(5, validFor(schema, depth)), Tuple.of(2, anyValue(depth + 1)));
    }

    private static Arbitrary<JsonNode> validFor(JsonNode schema, int depth) {
        if (schema.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            schema.get("enum").forEach(values::add);
            return Arbitraries.of(values);
        }
        for (String alternatives : List.of("oneOf", "anyOf")) {
            if (schema.has(alternatives)) {
                List<Arbitrary<JsonNode>> choices = new ArrayList<>();
                schema.get(alternatives).forEach(s -> choices.add(validFor(s, depth + 1)));
                return Arbitraries.oneOf(choices);
            }
        }
        if (schema.has("allOf")) {
            ObjectNode merged = JSON.objectNode();
            ObjectNode properties = merged.putObject("properties");
            schema.get("allOf").forEach(s -> s.path("properties").fields()
                    .forEachRemaining(p -> properties.set(p.getKey(), p.getValue())));
            return object(merged, depth);
        }
        List<String> types = new ArrayList<>();
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (type.isTextual()) {
            types.add(type.asText());
        } else if (schema.has("properties")) {
            types.add("object");
        }
        if (types.isEmpty() || depth > 6) {
            return anyValue(depth + 1);
        }
        List<Arbitrary<JsonNode>> choices = new ArrayList<>();
        for (String t : types) {
            choices.add(switch (t) {
                case "string" -> text().map(JSON::textNode);
                case "integer" -> integers();
                case "number" -> numbers();
                case "boolean" -> Arbitraries.of(true, false).map(JSON::booleanNode);
                case "null" -> Arbitraries.just(JSON.nullNode());
                case "array" -> forSchema(schema.path("items"), depth + 1).list().ofMaxSize(4).map(FuzzValues::array);
                case "object" -> object(schema, depth);
                default -> anyValue(depth + 1);
            });
        }
        return Arbitraries.oneOf(choices);
    }

    /** An object with each known property present or not (of its schema or not), sometimes with unknown ones. */
    private static Arbitrary<JsonNode> object(JsonNode schema, int depth) {
        List<String> names = new ArrayList<>();
        List<Arbitrary<JsonNode>> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            names.add(property.getKey());
            values.add(forSchema(property.getValue(), depth + 1).injectNull(0.3)); // Java null: left out
        }
        names.add("unknownField");
        values.add(anyValue(depth + 1).injectNull(0.8));
        return Combinators.combine(values).as(present -> {
            ObjectNode object = JSON.objectNode();
            for (int i = 0; i < names.size(); i++) {
                if (present.get(i) != null) {
                    object.set(names.get(i), present.get(i));
                }
            }
            return object;
        });
    }

    /** Any JSON value, nested up to a few levels. */
    static Arbitrary<JsonNode> anyValue(int depth) {
        List<Tuple.Tuple2<Integer, Arbitrary<? extends JsonNode>>> choices = new ArrayList<>(List.of(
                Tuple.of(2, Arbitraries.just(JSON.nullNode())),
                Tuple.of(2, Arbitraries.of(true, false).map(JSON::booleanNode)),
                Tuple.of(2, integers()),
                Tuple.of(1, numbers()),
                Tuple.of(3, text().map(JSON::textNode))));
        if (depth < 5) {
            choices.add(Tuple.of(1, Arbitraries.lazy(() -> anyValue(depth + 1)).list().ofMaxSize(3).map(FuzzValues::array)));
            choices.add(Tuple.of(1, Combinators.combine(text(), Arbitraries.lazy(() -> anyValue(depth + 1)))
                    .as((k, v) -> (JsonNode) JSON.objectNode().set(k, v))));
        }
        return Arbitraries.frequencyOf(choices.stream().map(t -> Tuple.of(t.get1(), (Arbitrary<JsonNode>) t.get2())).toList());
    }

    private static Arbitrary<JsonNode> integers() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, -1L, 1L, 65536L, 65537L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, Long.MAX_VALUE,
                                Long.MIN_VALUE)
                        .map(n -> (JsonNode) JSON.numberNode(n)),
                Arbitraries.longs().map(n -> (JsonNode) JSON.numberNode(n)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(19), BigInteger.TEN.pow(60)).map(n -> (JsonNode) JSON.numberNode(n)));
    }

    private static Arbitrary<JsonNode> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().map(d -> (JsonNode) JSON.numberNode(d)),
                Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-0.0"), new BigDecimal("0.5"), new BigDecimal("1E-400"))
                        .map(d -> (JsonNode) JSON.numberNode(d)));
    }

    /** Bodies that are not JSON or break a parser's limits (for every operation, with a body or without). */
    static Arbitrary<byte[]> malformedBodies() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("{", "{\"", "{\"name\":", "{\"name\":\"a\"", "{\"name\" \"a\"}", "{name: 'a'}",
                        "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":1}{\"b\":2}", "{} trailing",
                        "/* comment */ {}", "\uFEFF{}", "{\"a\":\"\\uD800\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\x41\"}",
                        "{\"name\":\"a\",\"name\":\"b\"}", "{\"a\":1e999999999}", "<xml/>", "a=1&b=2", "", " ", "\u0000")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(256)), // not even text
                Tuple.of(1, Arbitraries.just(new byte[]{'{', '"', 'n', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'})),
                Tuple.of(1, Arbitraries.integers().between(1_000, 200_000).map(n -> ("[".repeat(n)).getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(1, Arbitraries.integers().between(1_000, 50_000).map(n -> ("{\"a\":".repeat(n)).getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(1, Arbitraries.integers().between(400, 5_000).map(n -> ("{\"a\":" + "9".repeat(n) + "}").getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(1, Arbitraries.of(900_000, 1_200_000).map(n -> ("{\"name\":\"" + "x".repeat(n) + "\"}").getBytes(StandardCharsets.US_ASCII))));
    }

    /** Content types a JSON body is sent with. */
    static Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("application/json")),
                Tuple.of(1, Arbitraries.of("application/json; charset=utf-16", "application/json; charset=x-nonsense",
                        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                        "multipart/form-data", "*/*", "application/problem+json", ";;;")));
    }

    /** A whole body that is JSON but not an object: null, an array, a number, a string, a boolean. */
    static Arbitrary<byte[]> nonObjectBodies() {
        return Arbitraries.oneOf(
                Arbitraries.of("null", "[]", "[{}]", "[null]", "0", "-1", "1e400", "\"text\"", "\"\"", "true", "false"),
                anyValue(1).filter(v -> !v.isObject()).map(JsonNode::toString))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode array(List<JsonNode> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
