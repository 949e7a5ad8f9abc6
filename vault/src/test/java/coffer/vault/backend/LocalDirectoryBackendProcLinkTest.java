package coffer.vault.backend;

/** {@link LocalDirectoryBackendTest} with new objects written linked through {@code /proc/self/fd/<n>}, as on a kernel before 6.10 without {@code CAP_DAC_READ_SEARCH}. */
class LocalDirectoryBackendProcLinkTest extends LocalDirectoryBackendTest {
    @Override
    LocalDirectoryBackend.Publishing forced() {
        return LocalDirectoryBackend.Publishing.UNNAMED_PROC;
    }
}
