package coffer.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A name that says which process holds something, read from the right for the ids its writer put last: a writer
 * directory's {@code <host>.<pid>.<start>.<random>.<boot>.<machine>} and a job worker id's
 * {@code host:pid:random:boot:machine} (docs/format/lock.md). {@code boot} is the boot id ({@link BootId}, since session
 * 22) and {@code machine} the machine id ({@link MachineId}, since session 24), each 32 lowercase hex digits; names of
 * earlier forms end without {@code machine}, or without both. {@code head} is what comes before them, for the caller
 * to read (null ids: the name has none there).
 *
 * <p>Immutable; thread-safe.
 */
public record TrailingIds(String head, String boot, String machine) {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    /**
     * The ways {@code name} (fields separated by {@code separator}) may be read, most ids first: with {@code boot}
     * and {@code machine} when its last two fields are 32 hex digits each, with {@code boot} when its last field is,
     * and always as it is (no ids), each only when at least {@code headFields} fields remain before the ids. The
     * caller takes the first whose head it can read: a name whose head does not read with two ids (never written so)
     * may still read with one.
     */
    public static List<TrailingIds> readings(String name, char separator, int headFields) {
        List<TrailingIds> readings = new ArrayList<>(3);
        int last = name.lastIndexOf(separator);
        if (last >= 0 && isId(name.substring(last + 1))) {
            int before = name.lastIndexOf(separator, last - 1);
            if (before >= 0 && isId(name.substring(before + 1, last)) && fields(name, before, separator) >= headFields) {
                readings.add(new TrailingIds(name.substring(0, before), name.substring(before + 1, last),
                        name.substring(last + 1)));
            }
            if (fields(name, last, separator) >= headFields) {
                readings.add(new TrailingIds(name.substring(0, last), name.substring(last + 1), null));
            }
        }
        readings.add(new TrailingIds(name, null, null));
        return List.copyOf(readings);
    }

    /** Whether {@code field} is an id as written in these names: 32 lowercase hex digits. */
    private static boolean isId(String field) {
        return field.length() == 32 && ID.matcher(field).matches();
    }

    /** The number of fields of {@code name} before the separator at {@code end}. */
    private static int fields(String name, int end, char separator) {
        int count = 1;
        for (int i = 0; i < end; i++) {
            if (name.charAt(i) == separator) {
                count++;
            }
        }
        return count;
    }
}
