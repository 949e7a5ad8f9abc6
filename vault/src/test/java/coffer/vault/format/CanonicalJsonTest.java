package coffer.vault.format;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The canonical reader must read exactly the tree Jackson reads, node types included, for every document it takes,
 * and give up (leave the document to databind) on anything outside the canonical form.
 */
class CanonicalJsonTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "[]", "{\"a\":1}", " \n\t\r{ \"a\" : [ 1 , -2 , 0 , true , false , null ] } \n",
            "{\"int\":2147483647,\"intMin\":-2147483648,\"long\":2147483648,\"longMin\":-2147483649,"
                    + "\"big\":999999999999999999,\"neg\":-999999999999999999}",
            "{\"s\":\"\",\"esc\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\\u0000\"}",
            "{\"utf8\":\"é € 𝄞 中文\",\"mixed\":\"a\\nb é\\u00e9c\"}",
            "{\"nested\":{\"a\":{\"b\":{\"c\":[[],[{}],{\"d\":\"e\"}]}}},\"after\":1}",
            "\"just a string\"", "42", "-7", "true", "null", "[1,[2,[3]]]",
            "{\"\":\"empty name\",\"del\":\"\u007f\"}"})
    void takesTheCanonicalFormAndReadsTheTreeJacksonReads(String text) throws IOException {
        JsonNode canonical = CanonicalJson.readTree(utf8(text));
        assertNotNull(canonical, text);
        JsonNode jackson = Json.MAPPER.readTree(utf8(text));
        assertEquals(jackson, canonical, text);
        assertSameNodeTypes(jackson, canonical);
    }

    /** equals() of numeric nodes compares values only by class; the classes must match too (IntNode, LongNode). */
    private static void assertSameNodeTypes(JsonNode expected, JsonNode actual) {
        assertEquals(expected.getClass(), actual.getClass(), expected.toString());
        if (expected.isContainerNode()) {
            assertEquals(expected.size(), actual.size());
            if (expected.isObject()) {
                for (var field : expected.properties()) {
                    assertSameNodeTypes(field.getValue(), actual.get(field.getKey()));
                }
            } else {
                for (int i = 0; i < expected.size(); i++) {
                    assertSameNodeTypes(expected.get(i), actual.get(i));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "{", "{\"a\":1", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1}x",
            "{\"a\":1} {}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":1E3}", "{\"a\":-0}", "{\"a\":01}", "{\"a\":+1}",
            "{\"a\":1000000000000000000}", "{\"a\":9223372036854775808}", "{\"a\":NaN}", "{\"a\":Infinity}",
            "{\"a\":1,\"a\":2}", "{\"o\":{\"b\":1,\"b\":1}}", "{\"a\":\"\\ud834\\udd1e\"}", "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\x41\"}", "{\"a\":\"\\u00g1\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"line\nbreak\"}",
            "/* c */{}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":truex}", "{\"a\":1x}", "\ufeff{}", "{\"a\"\u00a0:1}"})
    void givesUpOnAnythingElse(String text) {
        assertNull(CanonicalJson.readTree(utf8(text)), text);
    }

    @Test
    void givesUpOnMalformedUtf8AndOnDeepNesting() {
        assertNull(CanonicalJson.readTree(new byte[]{'"', (byte) 0xc3, '"'}), "a truncated sequence");
        assertNull(CanonicalJson.readTree(new byte[]{'"', (byte) 0xc0, (byte) 0x80, '"'}), "an overlong NUL");
        assertNull(CanonicalJson.readTree(new byte[]{'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}), "a surrogate");
        assertNull(CanonicalJson.readTree(new byte[]{'"', (byte) 0xff, '"'}));
        assertNull(CanonicalJson.readTree(utf8("[".repeat(100) + "]".repeat(100))));
        assertNotNull(CanonicalJson.readTree(utf8("[".repeat(60) + "]".repeat(60))));
        assertNull(CanonicalJson.readTree(null));
    }

    @Test
    void fieldsTakeOnlyTheJsonTypeDatabindMapsToThem() throws Exception {
        JsonNode doc = CanonicalJson.readTree(utf8("{\"s\":\"x\",\"n\":null,\"i\":7,\"l\":4294967296,"
                + "\"t\":\"2026-12-06T12:30:00.123456789Z\",\"t0\":\"2026-12-06T12:30:00Z\",\"o\":{},\"a\":[]}"));
        assertEquals("x", CanonicalJson.text(doc.get("s")));
        assertNull(CanonicalJson.text(doc.get("n")));
        assertNull(CanonicalJson.text(doc.get("missing")));
        assertEquals(7, CanonicalJson.int32(doc.get("i")));
        assertEquals(0, CanonicalJson.int32(doc.get("missing")), "a missing primitive is 0, as databind passes it");
        assertEquals(4294967296L, CanonicalJson.int64(doc.get("l")));
        assertEquals(Instant.parse("2026-12-06T12:30:00.123456789Z"), CanonicalJson.instant(doc.get("t")));
        assertEquals(Instant.parse("2026-12-06T12:30:00Z"), CanonicalJson.instant(doc.get("t0")));
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.text(doc.get("i")), "a number for a string");
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.int32(doc.get("s")), "a string for a number");
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.int32(doc.get("n")), "null for a primitive");
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.int32(doc.get("l")), "beyond an int");
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.instant(doc.get("i")), "epoch seconds");
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.object(doc.get("a")));
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.array(doc.get("o")));
        JsonNode offset = CanonicalJson.readTree(utf8("{\"t\":\"2026-12-06T13:30:00+01:00\",\"d\":\"2026-12-06\"}"));
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.instant(offset.get("t")), "an offset: databind's");
        assertThrows(CanonicalJson.GiveUp.class, () -> CanonicalJson.instant(offset.get("d")));
    }
}
