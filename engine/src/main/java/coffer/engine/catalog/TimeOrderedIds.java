package coffer.engine.catalog;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Job ids as RFC 9562 version 7 UUIDs: 48 bits of Unix milliseconds, then a 12-bit counter within the
 * millisecond (the RFC's "fixed bit-length dedicated counter"), then random bits. Ids made by one process
 * therefore sort in the order they were made, so jobs submitted in the same millisecond are still claimed
 * first-in, first-out ({@code ORDER BY created_at, id}). Thread-safe.
 */
final class TimeOrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static int counter;

    private TimeOrderedIds() {
    }

    static synchronized String next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            counter = 0;
        } else if (++counter > 0xFFF) {
            lastMillis++; // more than 4096 ids in one millisecond: borrow the next one
            counter = 0;
        }
        long high = (lastMillis << 16) | 0x7000L | counter;
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
