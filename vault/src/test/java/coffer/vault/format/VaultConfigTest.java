package coffer.vault.format;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaultConfigTest {
    @ParameterizedTest
    @ValueSource(longs = {256 * 1024, 512 * 1024, 1 << 20, 4 << 20, 16 << 20})
    void powersOfTwoFrom256KiBTo16MiBAreValidChunkSizes(long size) {
        assertNull(VaultConfig.checkChunkSize(size));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 1, 4096, 128 * 1024, 256 * 1024 - 1, 256 * 1024 + 1, 3 * 256 * 1024, 32 << 20,
            1L << 32})
    void otherChunkSizesAreRefusedWithTheSizeInTheMessage(long size) {
        String problem = VaultConfig.checkChunkSize(size);
        assertNotNull(problem);
        assertTrue(problem.contains(Long.toString(size)), problem);
    }
}
