package coffer.server.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * The fuzzer's inputs, as QuickTheories generators (so a failure shrinks and replays by seed): request-target
 * segments (encoded text and path tricks), JSON values shaped by a JSON schema with wrong types, nulls, huge and
 * unicode values mixed in, and request bodies that are not JSON at all. Each generator draws only from the
 * randomness QuickTheories hands it, so a seed gives the same inputs again. Stateless.
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
    static Gen<String> pathSegments() {
        return weighted(
                Pair.of(4, text().map(FuzzValues::encode)),
                Pair.of(3, Generate.pick(RAW_SEGMENTS)),
                Pair.of(1, stringsOf("./%;~", 1, 12)),
                Pair.of(1, integers().between(1_000, 12_000).map("a"::repeat))); // over the URI limit, too
    }

    /** A query string: the operation's parameters and unknown ones, with any values (wire form, no '?'). */
    static Gen<String> query(List<OpenApiOperations.Parameter> parameters) {
        List<String> names = new ArrayList<>(parameters.stream().map(OpenApiOperations.Parameter::name).toList());
        names.addAll(List.of("unknown", "limit", "offset", "vault", "%zz", "a%00"));
        Gen<String> value = Generate.oneOf(text().map(FuzzValues::encode), Generate.pick(RAW_SEGMENTS));
        Gen<String> pair = Generate.pick(names).zip(value, (n, v) -> n + "=" + v);
        return lists().of(pair).ofSizeBetween(0, 4).map(pairs -> String.join("&", pairs));
    }

    /** Text of every kind: any unicode, printable ASCII, tricky values, huge ones. */
    static Gen<String> text() {
        return weighted(
                Pair.of(4, strings().allPossible().ofLengthBetween(0, 40)),
                Pair.of(3, strings().ascii().ofLengthBetween(0, 24)),
                Pair.of(3, Generate.pick(TRICKY_TEXT)),
                Pair.of(1, integers().between(1_000, 200_000).map("x"::repeat)));
    }

    /**
     * A request body of {@code schema}: the object it describes, with every field's value of the field's schema
     * most of the time, else of any other type (null, huge, nested). The body itself stays of the schema's type
     * (a whole body that is not an object: {@link #nonObjectBodies()}).
     */
    static Gen<JsonNode> body(JsonNode schema) {
        return validFor(schema, 0);
    }

    /** A JSON value of {@code schema} most of the time, else one of any other type (null, huge, nested). */
    static Gen<JsonNode> forSchema(JsonNode schema, int depth) {
        return weighted(Pair.of(5, validFor(schema, depth)), Pair.of(2, anyValue(depth + 1)));
    }

    private static Gen<JsonNode> validFor(JsonNode schema, int depth) {
        if (schema.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            schema.get("enum").forEach(values::add);
            return Generate.pick(values);
        }
        for (String alternatives : List.of("oneOf", "anyOf")) {
            if (schema.has(alternatives)) {
                List<Gen<JsonNode>> choices = new ArrayList<>();
                schema.get(alternatives).forEach(s -> choices.add(validFor(s, depth + 1)));
                return anyOf(choices);
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
        List<Gen<JsonNode>> choices = new ArrayList<>();
        for (String t : types) {
            choices.add(switch (t) {
                case "string" -> text().map(JSON::textNode);
                case "integer" -> integerValues();
                case "number" -> numberValues();
                case "boolean" -> booleanValues();
                case "null" -> Generate.constant(JSON.nullNode());
                case "array" -> lists().of(forSchema(schema.path("items"), depth + 1)).ofSizeBetween(0, 4).map(FuzzValues::array);
                case "object" -> object(schema, depth);
                default -> anyValue(depth + 1);
            });
        }
        return anyOf(choices);
    }

    /** An object with each known property present or not (of its schema or not), sometimes with unknown ones. */
    private static Gen<JsonNode> object(JsonNode schema, int depth) {
        List<String> names = new ArrayList<>();
        List<Gen<Optional<JsonNode>>> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            names.add(property.getKey());
            values.add(forSchema(property.getValue(), depth + 1).toOptionals(30)); // empty: left out
        }
        names.add("unknownField");
        values.add(anyValue(depth + 1).toOptionals(80));
        return all(values).map(present -> {
            ObjectNode object = JSON.objectNode();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                present.get(i).ifPresent(value -> object.set(name, value));
            }
            return object;
        });
    }

    /** Any JSON value, nested up to a few levels. */
    static Gen<JsonNode> anyValue(int depth) {
        List<Pair<Integer, Gen<JsonNode>>> choices = new ArrayList<>(List.of(
                Pair.of(2, Generate.constant(JSON.nullNode())),
                Pair.of(2, booleanValues()),
                Pair.of(2, integerValues()),
                Pair.of(1, numberValues()),
                Pair.of(3, text().map(JSON::textNode))));
        if (depth < 5) {
            Gen<JsonNode> nested = in -> anyValue(depth + 1).generate(in); // built when drawn: no endless recursion
            choices.add(Pair.of(1, lists().of(nested).ofSizeBetween(0, 3).map(FuzzValues::array)));
            choices.add(Pair.of(1, text().zip(nested, (k, v) -> JSON.objectNode().set(k, v))));
        }
        return Generate.frequency(choices);
    }

    private static Gen<JsonNode> booleanValues() {
        return Generate.booleans().map(JSON::booleanNode);
    }

    private static Gen<JsonNode> integerValues() {
        return Generate.oneOf(
                Generate.pick(List.of(0L, -1L, 1L, 65536L, 65537L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE,
                        Long.MAX_VALUE, Long.MIN_VALUE)).map(JSON::numberNode),
                longs().all().map(JSON::numberNode),
                Generate.byteArrays(integers().between(1, 25), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
                        .map(bytes -> JSON.numberNode(BigInteger.TEN.pow(19).add(new BigInteger(1, bytes))))); // 10^19 .. 10^60
    }

    private static Gen<JsonNode> numberValues() {
        return Generate.oneOf(
                doubles().any().map(JSON::numberNode),
                Generate.pick(List.of(new BigDecimal("1e400"), new BigDecimal("-0.0"), new BigDecimal("0.5"),
                        new BigDecimal("1E-400"))).map(JSON::numberNode));
    }

    /** Bodies that are not JSON or break a parser's limits (for every operation, with a body or without). */
    static Gen<byte[]> malformedBodies() {
        return weighted(
                Pair.of(3, Generate.pick(List.of("{", "{\"", "{\"name\":", "{\"name\":\"a\"", "{\"name\" \"a\"}", "{name: 'a'}",
                        "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":1}{\"b\":2}", "{} trailing",
                        "/* comment */ {}", "\uFEFF{}", "{\"a\":\"\\uD800\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\x41\"}",
                        "{\"name\":\"a\",\"name\":\"b\"}", "{\"a\":1e999999999}", "<xml/>", "a=1&b=2", "", " ", "\u0000"))
                        .map(FuzzValues::utf8)),
                Pair.of(2, Generate.byteArrays(integers().between(0, 256), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))), // not even text
                Pair.of(1, Generate.constant(new byte[]{'{', '"', 'n', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'})),
                Pair.of(1, integers().between(1_000, 200_000).map(n -> utf8("[".repeat(n)))),
                Pair.of(1, integers().between(1_000, 50_000).map(n -> utf8("{\"a\":".repeat(n)))),
                Pair.of(1, integers().between(400, 5_000).map(n -> utf8("{\"a\":" + "9".repeat(n) + "}"))),
                Pair.of(1, Generate.pick(List.of(900_000, 1_200_000)).map(n -> utf8("{\"name\":\"" + "x".repeat(n) + "\"}"))));
    }

    /** Content types a JSON body is sent with. */
    static Gen<String> contentTypes() {
        return weighted(
                Pair.of(6, Generate.constant("application/json")),
                Pair.of(1, Generate.pick(List.of("application/json; charset=utf-16", "application/json; charset=x-nonsense",
                        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                        "multipart/form-data", "*/*", "application/problem+json", ";;;"))));
    }

    /** A whole body that is JSON but not an object: null, an array, a number, a string, a boolean. */
    static Gen<byte[]> nonObjectBodies() {
        return Generate.oneOf(
                Generate.pick(List.of("null", "[]", "[{}]", "[null]", "0", "-1", "1e400", "\"text\"", "\"\"", "true", "false")),
                anyValue(1).assuming(v -> !v.isObject()).map(JsonNode::toString))
                .map(FuzzValues::utf8);
    }

    /** {@code generator} with its values shown short in a failure report (a value may be megabytes). */
    static <T> Gen<T> shownShort(Gen<T> generator) {
        return generator.describedAs(value -> abbreviate(switch (value) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case null -> "null";
            default -> value.toString();
        }));
    }

    /** {@code text} for a failure report: its first 160 characters, {@linkplain #printable printable}. */
    static String abbreviate(String text) {
        return text.length() > 160 ? printable(text.substring(0, 160)) + "...(" + text.length() + " chars)" : printable(text);
    }

    /** {@code text} with anything but printable ASCII escaped as {@code \\uXXXX}: a NUL or a lone surrogate cuts a report short. */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.chars().forEach(c -> shown.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format(Locale.ROOT, "\\u%04x", c)));
        return shown.toString();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One value of each generator, in order. */
    static <T> Gen<List<T>> all(List<Gen<T>> generators) {
        return in -> {
            List<T> values = new ArrayList<>(generators.size());
            generators.forEach(g -> values.add(g.generate(in)));
            return values;
        };
    }

    /** A value of one of {@code generators}, each as likely. */
    private static <T> Gen<T> anyOf(List<Gen<T>> generators) {
        return Generate.frequency(generators.stream().map(g -> Pair.of(1, g)).toList());
    }

    /** A value of one of {@code choices}, each (weight, generator) pair drawn in proportion to its weight. */
    @SafeVarargs
    private static <T> Gen<T> weighted(Pair<Integer, Gen<T>>... choices) {
        List<Pair<Integer, Gen<T>>> each = new ArrayList<>(choices.length);
        for (Pair<Integer, Gen<T>> choice : choices) {
            each.add(choice);
        }
        return Generate.frequency(each);
    }

    /** Strings of {@code min} to {@code max} characters, each one of {@code characters}. */
    private static Gen<String> stringsOf(String characters, int min, int max) {
        List<Character> each = characters.chars().mapToObj(c -> (char) c).toList();
        return lists().of(Generate.pick(each)).ofSizeBetween(min, max).map(cs -> {
            StringBuilder text = new StringBuilder(cs.size());
            cs.forEach(text::append);
            return text.toString();
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode array(List<JsonNode> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
