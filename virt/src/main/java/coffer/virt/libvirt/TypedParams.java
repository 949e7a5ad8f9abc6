package coffer.virt.libvirt;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reads an array of libvirt's {@code virTypedParameter} (as {@code virDomainGetJobStats} returns) into a map:
 * {@code INT} as {@link Integer}, {@code UINT}, {@code LLONG} and {@code ULLONG} as {@link Long} (an
 * {@code ULLONG} above {@link Long#MAX_VALUE} wraps negative), {@code DOUBLE} as {@link Double},
 * {@code BOOLEAN} as {@link Boolean}, {@code STRING} as {@link String}; unknown types are left out.
 *
 * <p>Stateless; thread-safe.
 */
final class TypedParams {
    private TypedParams() {
    }

    /** {@code struct _virTypedParameter}: {@code char field[80]; int type; union value} (8-byte aligned). */
    private static final long FIELD_LENGTH = 80;
    private static final long TYPE = 80;
    private static final long VALUE = 88;
    private static final long SIZE = 96;

    private static final int INT = 1;
    private static final int UINT = 2;
    private static final int LLONG = 3;
    private static final int ULLONG = 4;
    private static final int DOUBLE = 5;
    private static final int BOOLEAN = 6;
    private static final int STRING = 7;

    /** The {@code count} parameters at {@code params}, in libvirt's order; the memory stays the caller's. */
    @SuppressWarnings("restricted")
    static Map<String, Object> read(MemorySegment params, int count) {
        if (count <= 0 || params.equals(MemorySegment.NULL)) {
            return Map.of();
        }
        MemorySegment array = params.reinterpret(SIZE * count);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            MemorySegment param = array.asSlice(SIZE * i, SIZE);
            String name = param.asSlice(0, FIELD_LENGTH).getString(0);
            Object value = switch (param.get(JAVA_INT, TYPE)) {
                case INT -> param.get(JAVA_INT, VALUE);
                case UINT -> Integer.toUnsignedLong(param.get(JAVA_INT, VALUE));
                case LLONG, ULLONG -> param.get(JAVA_LONG, VALUE);
                case DOUBLE -> param.get(JAVA_DOUBLE, VALUE);
                case BOOLEAN -> param.get(JAVA_BYTE, VALUE) != 0;
                case STRING -> {
                    MemorySegment string = param.get(ADDRESS, VALUE);
                    yield string.equals(MemorySegment.NULL) ? null : Native.readString(string);
                }
                default -> null;
            };
            if (value != null) {
                fields.put(name, value);
            }
        }
        return Collections.unmodifiableMap(fields);
    }
}
