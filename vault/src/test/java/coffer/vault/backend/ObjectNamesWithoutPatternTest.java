package coffer.vault.backend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ObjectNames#check} without a regular expression accepts exactly the names the earlier pattern rule did. */
class ObjectNamesWithoutPatternTest {
    /** The rule as it was written before session 23: a pattern and four exclusions. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]+(/[a-z0-9._-]+)*");

    private static boolean byPattern(String name) {
        return NAME.matcher(name).matches() && !name.contains("..") && !name.startsWith(".") && !name.endsWith("/.")
                && !name.contains("/./");
    }

    @Test
    void namedCasesAgreeWithThePatternRule() {
        List<String> names = List.of("chunks/ab/abcdef", "config", "points/2026-12-07_1.json", "a/b/c", "a", "-", "_x",
                "", ".", "..", ".hidden", "a/.", "a/./b", "a/../b", "a..b", "a//b", "/a", "a/", "A", "a b", "a/b/",
                "chunks/ab/ABC", "x.", "x/.y", "x/y.", "ü", "a\u0000b", "a\\b", "a:b", "a/..", "../a");
        for (String name : names) {
            assertEquals(byPattern(name), ObjectNames.valid(name), name);
        }
        assertEquals("chunks/ab/abcdef", ObjectNames.check("chunks/ab/abcdef"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectNames.check("a//b"));
        assertEquals("invalid vault object name: 'a//b'", e.getMessage());
    }

    @Test
    void randomNamesOverTheInterestingAlphabetAgreeWithThePatternRule() {
        char[] alphabet = {'a', 'z', '0', '9', '.', '_', '-', '/', 'A', ' ', '~'};
        Random random = new Random(23);
        List<String> accepted = new ArrayList<>();
        for (int k = 0; k < 200_000; k++) {
            int length = random.nextInt(7);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String name = b.toString();
            assertEquals(byPattern(name), ObjectNames.valid(name), name);
            if (byPattern(name)) {
                accepted.add(name);
            }
        }
        // the generator reached both outcomes, not only rejections
        assertEquals(true, accepted.size() > 1000, "accepted " + accepted.size());
    }
}
