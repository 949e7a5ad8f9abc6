package coffer.vault.backend;

import coffer.testing.OtherMachine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer directory of a host whose name is an FQDN ({@code kvm-07.example.com}; docs/format/lock.md, "Writer
 * directories"): the host is written with {@code -} for its dots, so the name's dots separate its fields only and a
 * dead writer of this host and boot is judged dead at once, as for a short host name; the name is read from the right,
 * so a host part with dots (never written so) still reads; the names written before the boot id still read.
 */
class WriterDirectoryOfAnFqdnHostTest {
    private static final long DEAD_PID = 999_999_999L;
    private static final String FQDN = "KVM-07.Example.com";

    @Test
    void anFqdnIsWrittenWithoutDotsAndItsDeadWritersAreJudgedAtOnce() {
        String token = WriterDirectory.token(FQDN);
        assertEquals("kvm-07-example-com", token);
        String name = token + "." + DEAD_PID + ".1700000000000.0badcafe." + OtherMachine.thisBoot();
        assertEquals(5, name.split("\\.").length);
        assertTrue(WriterDirectory.deadWriterOf(name, token), name);
        assertTrue(WriterDirectory.deadWriterOf(token + "." + DEAD_PID + ".1700000000000.0badcafe", token),
                "a name of before the boot id");
        assertFalse(WriterDirectory.deadWriterOf(name, WriterDirectory.token("kvm-07")), "another host");
        assertFalse(WriterDirectory.deadWriterOf(token + "." + DEAD_PID + ".1700000000000.0badcafe."
                + OtherMachine.ofThisHostName().boot(), token), "another boot");
    }

    @Test
    void aHostPartWithDotsIsReadFromTheRight() {
        String dotted = "kvm-07.example.com";
        assertTrue(WriterDirectory.deadWriterOf(dotted + "." + DEAD_PID + ".1700000000000.0badcafe."
                + OtherMachine.thisBoot(), dotted));
        assertTrue(WriterDirectory.deadWriterOf(dotted + "." + DEAD_PID + ".1700000000000.0badcafe", dotted));
        assertFalse(WriterDirectory.deadWriterOf("example.com." + DEAD_PID + ".1700000000000.0badcafe", dotted));
        String mine = WriterDirectory.host() + "." + ProcessHandle.current().pid() + "."
                + ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli() + ".0badcafe."
                + OtherMachine.thisBoot();
        assertFalse(WriterDirectory.deadWriterOfThisHost(mine), "this live process");
    }
}
