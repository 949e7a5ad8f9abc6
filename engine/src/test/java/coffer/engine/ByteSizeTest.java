package coffer.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteSizeTest {
    @Test
    void bytesBelowAKibibyteAreCountedWholeAndLargerOnesInBinaryUnitsWithOneDecimal() {
        assertEquals("0 B", ByteSize.of(0));
        assertEquals("1023 B", ByteSize.of(1023));
        assertEquals("1.0 KiB", ByteSize.of(1024));
        assertEquals("12.3 MiB", ByteSize.of(12_900_000));
        assertEquals("4.0 GiB", ByteSize.of(4L << 30));
        assertEquals("2048.0 PiB", ByteSize.of(1L << 61));
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ByteSize.of(-1));
    }
}
