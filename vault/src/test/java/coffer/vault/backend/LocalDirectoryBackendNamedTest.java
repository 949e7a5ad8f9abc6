package coffer.vault.backend;

/** {@link LocalDirectoryBackendTest} with new objects written as named temporaries linked and removed, as where the kernel or the file system has no unnamed files or nothing may link one. */
class LocalDirectoryBackendNamedTest extends LocalDirectoryBackendTest {
    @Override
    LocalDirectoryBackend.Publishing forced() {
        return LocalDirectoryBackend.Publishing.NAMED;
    }

    /**
     * Not a test here (no {@code @Test}: JUnit runs an overriding method only when it is annotated itself): a killed
     * writer of named temporaries leaves its temporary, which the next writer removes, as
     * {@code aWriterKilledMidWriteLeavesNoTemporaryAfterTheNextWrite} of the base class checks in every way.
     */
    @Override
    void aWriterOfUnnamedFilesKilledMidWriteLeavesNothingBehind() {
    }
}
