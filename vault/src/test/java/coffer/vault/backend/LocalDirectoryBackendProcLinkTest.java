package coffer.vault.backend;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** {@link LocalDirectoryBackendTest} with new objects written linked through {@code /proc/self/fd/<n>}, as on a kernel before 6.10 without {@code CAP_DAC_READ_SEARCH}. */
class LocalDirectoryBackendProcLinkTest extends LocalDirectoryBackendTest {
    @Override
    LocalDirectoryBackend open(Path root) {
        return new LocalDirectoryBackend(root, LocalDirectoryBackend.Publishing.UNNAMED_PROC);
    }

    @Override
    Set<LocalDirectoryBackend.Publishing> publishingAfterAWrite() {
        return EnumSet.of(LocalDirectoryBackend.Publishing.UNNAMED_PROC);
    }
}
