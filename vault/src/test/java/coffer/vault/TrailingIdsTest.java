package coffer.vault;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one reader of the boot and machine ids at the end of a writer directory's name and a job worker id
 * (docs/format/lock.md): every form written since session 22 and the ones before read, most ids first.
 */
class TrailingIdsTest {
    private static final String BOOT = "0123456789abcdef0123456789abcdef";
    private static final String MACHINE = "fedcba9876543210fedcba9876543210";

    @Test
    void aWorkerIdOfEachFormReadsFromTheRight() {
        assertEquals(List.of(new TrailingIds("kvm-1:4711:0badcafe", BOOT, MACHINE),
                        new TrailingIds("kvm-1:4711:0badcafe:" + BOOT, MACHINE, null),
                        new TrailingIds("kvm-1:4711:0badcafe:" + BOOT + ":" + MACHINE, null, null)),
                TrailingIds.readings("kvm-1:4711:0badcafe:" + BOOT + ":" + MACHINE, ':', 3), "session 24's form");
        assertEquals(new TrailingIds("kvm-1:4711:0badcafe", BOOT, null),
                TrailingIds.readings("kvm-1:4711:0badcafe:" + BOOT, ':', 3).getFirst(), "sessions 22 and 23");
        assertEquals(List.of(new TrailingIds("kvm-1:4711:0badcafe", null, null)),
                TrailingIds.readings("kvm-1:4711:0badcafe", ':', 3), "before session 22");
    }

    @Test
    void aWriterDirectoryOfEachFormReadsFromTheRight() {
        String head = "kvm-07-example-com.4711.1700000000000.0badcafe";
        assertEquals(new TrailingIds(head, BOOT, MACHINE),
                TrailingIds.readings(head + "." + BOOT + "." + MACHINE, '.', 4).getFirst());
        assertEquals(new TrailingIds(head, BOOT, null), TrailingIds.readings(head + "." + BOOT, '.', 4).getFirst());
        assertEquals(new TrailingIds(head, null, null), TrailingIds.readings(head, '.', 4).getFirst());
    }

    @Test
    void idsAreTakenOnlyWithTheFieldsTheHeadNeedsBeforeThem() {
        assertEquals(List.of(new TrailingIds("4711:" + BOOT, MACHINE, null),
                        new TrailingIds("4711:" + BOOT + ":" + MACHINE, null, null)),
                TrailingIds.readings("4711:" + BOOT + ":" + MACHINE, ':', 2), "one field before two ids is too few");
        assertEquals(List.of(new TrailingIds(BOOT, null, null)), TrailingIds.readings(BOOT, ':', 1), "no head at all");
    }

    @Test
    void onlyThirtyTwoLowercaseHexDigitsAreAnId() {
        for (String notAnId : List.of(BOOT.toUpperCase(java.util.Locale.ROOT), BOOT.substring(1), BOOT + "0",
                BOOT.replace('a', 'g'), "0badcafe")) {
            assertEquals(List.of(new TrailingIds("kvm-1:4711:0badcafe:" + notAnId, null, null)),
                    TrailingIds.readings("kvm-1:4711:0badcafe:" + notAnId, ':', 3), notAnId);
        }
    }
}
