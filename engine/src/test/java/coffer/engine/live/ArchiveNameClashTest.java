package coffer.engine.live;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static coffer.engine.live.NameBytes.bytes;
import static coffer.engine.live.NameBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Archive names are one-to-one (session 21, docs/reliability.md): a UTF-8 name spelt with a backslash sequence
 * ({@code caf\xe9}) and the Latin-1 name that sequence stands for (byte 0xE9) got one archive name, the later entry
 * winning on extraction.
 */
class ArchiveNameClashTest {
    @Test
    void aNameSpeltAsAnEscapeAndTheNameItStandsForHaveTwoArchiveNames() {
        GuestPath spelt = GuestPath.ROOT.child(utf8("caf\\xe9"));
        GuestPath latin1 = GuestPath.ROOT.child(bytes('c', 'a', 'f', 0xe9));
        assertEquals("caf\\\\xe9", spelt.archiveName(false), "a UTF-8 name's backslash is doubled");
        assertEquals("caf\\xe9", latin1.archiveName(false), "a name that is not UTF-8 is escaped, as listings print it");
        assertNotEquals(spelt.archiveName(false), latin1.archiveName(false));
        // in a directory whose name is not UTF-8, and as directories
        GuestPath dir = GuestPath.ROOT.child(bytes('d', 0xff));
        assertNotEquals(dir.child(utf8("a\\xfe")).archiveName(false), dir.child(bytes('a', 0xfe)).archiveName(false));
        assertEquals("d\\xff/a\\\\xfe/", dir.child(utf8("a\\xfe")).archiveName(true));
    }

    @Test
    void plainNamesKeepTheirArchiveNames() {
        assertEquals("etc/hosts", GuestPath.parse("/etc/hosts").archiveName(false));
        assertEquals("a b/c\nd", GuestPath.parse("/a b").child("c\nd").archiveName(false), "a UTF-8 name is itself");
        assertEquals("srv/caf\u00e9", GuestPath.parse("/srv/caf\u00e9").archiveName(false));
        assertEquals("u\u0085", GuestPath.ROOT.child(utf8("u\u0085")).archiveName(false));
    }

    /** Every archive name reads back, through the escaped form's reader, as the guest's bytes: no two names share one. */
    @Test
    void everyArchiveNameUnescapesToItsBytesSoNoTwoNamesShareOne() {
        Random random = new Random(21);
        byte[] alphabet = bytes('a', '\\', 'x', 'e', '9', 'n', 'u', '0', '\n', 0x85, 0xc2, 0xe9, 0xff, 0x7f);
        Map<String, byte[]> seen = new HashMap<>();
        for (int round = 0; round < 20_000; round++) {
            byte[] name = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < name.length; i++) {
                name[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String archived = GuestNames.archive(name);
            assertArrayEquals(name, GuestNames.unescape(archived), archived);
            byte[] before = seen.putIfAbsent(archived, name);
            if (before != null) {
                assertArrayEquals(before, name, "two names archived as '" + archived + "'");
            }
        }
    }
}
