package coffer.vault.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Reads the vault's small JSON documents (point manifests, the config, the key ring) in the form Coffer writes them
 * without Jackson's parser and databind. A short-lived command paid for both cold on its critical path: databind
 * builds each record type's deserializer by introspection (~30-40 ms per type), and the parser's first use
 * initializes {@link java.math.BigDecimal}, whose JDK 25 class initializer squares a 150,000-bit number (15-40 ms of
 * interpreted and C1 code; docs/performance.md, "Session 15").
 *
 * <p>The canonical form read here is plain JSON as Jackson writes it: UTF-8, objects, arrays, strings (escapes but
 * no surrogate escapes), integers within a {@code long} (no {@code -0}, no leading zeros), {@code true},
 * {@code false}, {@code null}, no name twice in an object, nothing after the document. A record is then taken
 * from the tree only if every known field has the JSON type databind maps to it (times as {@link Instant#toString()}
 * writes them). Anything else makes the read give up, and databind reads the document as before: so every
 * document reads to the same value, or fails with the same error, as with databind alone. Stateless; thread-safe.
 */
public final class CanonicalJson {
    /** What {@link Instant#toString()} writes (UTC, seconds, optional fraction); ISO_INSTANT reads it the same. */
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    /** Far below Jackson's read constraints (nesting 1,000, names 50,000, strings 20,000,000 characters). */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_NAME = 1_000;
    private static final int MAX_DOCUMENT = 8 << 20;

    /** Signals a document not in the canonical form; databind reads it instead. */
    public static final class GiveUp extends Exception {
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super("left to databind", null, false, false);
        }
    }

    /** A record taken from a canonical document's tree. */
    @FunctionalInterface
    public interface Mapping<T> {
        T from(JsonNode root) throws GiveUp;
    }

    private CanonicalJson() {
    }

    /**
     * {@code body} as a {@code type}: by {@code mapping} from the canonical tree when it takes the document, else by
     * {@code mapper}'s databind (which then also throws what databind throws).
     */
    public static <T> T read(ObjectMapper mapper, byte[] body, Class<T> type, Mapping<T> mapping) throws IOException {
        T value = tryRead(body, mapping);
        return value != null ? value : mapper.readValue(body, type);
    }

    /** {@code body} taken by {@code mapping}, or null when it does not take it (the caller then uses databind). */
    public static <T> T tryRead(byte[] body, Mapping<T> mapping) {
        JsonNode root = readTree(body);
        if (root == null) {
            return null;
        }
        try {
            return mapping.from(root);
        } catch (GiveUp | RuntimeException e) {
            return null; // databind reads it again, and decides (a constructor's refusal included) as it always did
        }
    }

    /**
     * The tree {@code Json.MAPPER.readTree(body)} reads, when {@code body} is in the canonical form; else null.
     */
    public static JsonNode readTree(byte[] body) {
        if (body == null || body.length > MAX_DOCUMENT) {
            return null;
        }
        Parser parser = new Parser(body);
        try {
            JsonNode root = parser.value(0);
            parser.whitespace();
            return parser.at == body.length ? root : null;
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Gives up (databind reads the document instead). */
    public static GiveUp giveUp() {
        return GiveUp.INSTANCE;
    }

    /** A string field: absent or null reads as null, a JSON string as itself; anything else gives up. */
    public static String text(JsonNode node) throws GiveUp {
        return has(node, Field.TEXT) ? node.textValue() : null;
    }

    /** An {@code int} field: absent reads as 0 (as databind passes a missing one), a JSON integer in range as itself. */
    public static int int32(JsonNode node) throws GiveUp {
        return has(node, Field.INT) ? node.intValue() : 0;
    }

    /** A {@code long} field: absent reads as 0, a JSON integer in range as itself. */
    public static long int64(JsonNode node) throws GiveUp {
        return has(node, Field.LONG) ? node.longValue() : 0;
    }

    /** An instant field: absent reads as null, a string as {@link Instant#toString()} writes it as that instant. */
    public static Instant instant(JsonNode node) throws GiveUp {
        return has(node, Field.INSTANT) ? Instant.parse(node.textValue()) : null;
    }

    /** An object field: absent or null reads as null; anything but an object gives up. */
    public static JsonNode object(JsonNode node) throws GiveUp {
        return has(node, Field.OBJECT) ? node : null;
    }

    /** A list field: absent or null reads as null; anything but an array gives up. */
    public static JsonNode array(JsonNode node) throws GiveUp {
        return has(node, Field.ARRAY) ? node : null;
    }

    /**
     * The shape every field reader shares: true when {@code node} is a value {@code field} takes (the reader returns
     * it), false when the field is absent, or JSON null where {@code field} is nullable (the reader returns its
     * default); anything else gives up, and databind decides.
     */
    private static boolean has(JsonNode node, Field field) throws GiveUp {
        if (node == null) {
            return false;
        }
        if (field.takes(node)) {
            return true;
        }
        if (field.nullable && node.isNull()) {
            return false;
        }
        throw GiveUp.INSTANCE;
    }

    /**
     * The kinds of field: the JSON values databind maps to each, and whether JSON null reads as absent (for a reference
     * type; a primitive's null, and an instant's, are left to databind).
     */
    private enum Field {
        TEXT(true), INT(false), LONG(false), INSTANT(false), OBJECT(true), ARRAY(true);

        final boolean nullable;

        Field(boolean nullable) {
            this.nullable = nullable;
        }

        boolean takes(JsonNode node) {
            return switch (this) {
                case TEXT -> node.isTextual();
                case INT -> node.isInt();
                case LONG -> node.isInt() || node.isLong();
                case INSTANT -> node.isTextual() && CanonicalJson.INSTANT.matcher(node.textValue()).matches();
                case OBJECT -> node.isObject();
                case ARRAY -> node.isArray();
            };
        }
    }

    /** A recursive descent over the canonical form; gives up on anything else. */
    private static final class Parser {
        private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
        private final byte[] in;
        private int at;

        Parser(byte[] in) {
            this.in = in;
        }

        void whitespace() {
            while (at < in.length) {
                byte c = in[at];
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                at++;
            }
        }

        JsonNode value(int depth) throws GiveUp {
            if (depth > MAX_DEPTH) {
                throw GiveUp.INSTANCE;
            }
            whitespace();
            byte c = in[at];
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> TextNode.valueOf(string(Integer.MAX_VALUE));
                case 't' -> literal("true", BooleanNode.TRUE);
                case 'f' -> literal("false", BooleanNode.FALSE);
                case 'n' -> literal("null", NullNode.getInstance());
                default -> number();
            };
        }

        private ObjectNode object(int depth) throws GiveUp {
            at++;
            ObjectNode object = NODES.objectNode();
            whitespace();
            if (in[at] == '}') {
                at++;
                return object;
            }
            while (true) {
                whitespace();
                if (in[at] != '"') {
                    throw GiveUp.INSTANCE;
                }
                String name = string(MAX_NAME);
                whitespace();
                if (in[at++] != ':') {
                    throw GiveUp.INSTANCE;
                }
                if (object.replace(name, value(depth + 1)) != null) {
                    throw GiveUp.INSTANCE; // a name twice: databind decides
                }
                whitespace();
                byte c = in[at++];
                if (c == '}') {
                    return object;
                }
                if (c != ',') {
                    throw GiveUp.INSTANCE;
                }
            }
        }

        private ArrayNode array(int depth) throws GiveUp {
            at++;
            ArrayNode array = NODES.arrayNode();
            whitespace();
            if (in[at] == ']') {
                at++;
                return array;
            }
            while (true) {
                array.add(value(depth + 1));
                whitespace();
                byte c = in[at++];
                if (c == ']') {
                    return array;
                }
                if (c != ',') {
                    throw GiveUp.INSTANCE;
                }
            }
        }

        private JsonNode literal(String word, JsonNode node) throws GiveUp {
            for (int i = 0; i < word.length(); i++) {
                if (in[at++] != word.charAt(i)) {
                    throw GiveUp.INSTANCE;
                }
            }
            end();
            return node;
        }

        /** An integer: -?(0|[1-9][0-9]*), at most 18 digits, not -0; a fraction or exponent gives up. */
        private JsonNode number() throws GiveUp {
            boolean negative = in[at] == '-';
            if (negative) {
                at++;
            }
            int start = at;
            long value = 0;
            while (at < in.length && in[at] >= '0' && in[at] <= '9') {
                value = value * 10 + (in[at++] - '0');
            }
            int digits = at - start;
            if (digits == 0 || digits > 18 || digits > 1 && in[start] == '0' || negative && value == 0) {
                throw GiveUp.INSTANCE;
            }
            end();
            value = negative ? -value : value;
            return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
        }

        /** After a number or literal: the document's end, whitespace or a structural character. */
        private void end() throws GiveUp {
            if (at < in.length) {
                byte c = in[at];
                if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    throw GiveUp.INSTANCE;
                }
            }
        }

        /** A string at its opening quote: UTF-8 checked strictly, the escapes JSON has but surrogate ones. */
        private String string(int maxLength) throws GiveUp {
            at++;
            StringBuilder escaped = null;
            int run = at;
            boolean ascii = true;
            while (true) {
                byte c = in[at];
                if (c == '"') {
                    String tail = decode(run, at, ascii);
                    at++;
                    String text = escaped == null ? tail : escaped.append(tail).toString();
                    if (text.length() > maxLength) {
                        throw GiveUp.INSTANCE;
                    }
                    return text;
                }
                if (c >= 0 && c < 0x20) {
                    throw GiveUp.INSTANCE; // an unescaped control character: Jackson refuses it
                }
                if (c < 0) {
                    ascii = false;
                    at++;
                } else if (c == '\\') {
                    if (escaped == null) {
                        escaped = new StringBuilder();
                    }
                    escaped.append(decode(run, at, ascii));
                    escaped.append(escape());
                    run = at;
                    ascii = true;
                } else {
                    at++;
                }
            }
        }

        private char escape() throws GiveUp {
            byte c = in[at + 1];
            at += 2;
            return switch (c) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '/' -> '/';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> {
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(in[at++], 16);
                        if (digit < 0) {
                            throw GiveUp.INSTANCE;
                        }
                        code = code << 4 | digit;
                    }
                    if (Character.isSurrogate((char) code)) {
                        throw GiveUp.INSTANCE;
                    }
                    yield (char) code;
                }
                default -> throw GiveUp.INSTANCE;
            };
        }

        private String decode(int from, int to, boolean ascii) throws GiveUp {
            if (ascii) {
                return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, from, to - from)).toString();
            } catch (CharacterCodingException e) {
                throw GiveUp.INSTANCE;
            }
        }
    }
}
