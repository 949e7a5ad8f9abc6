package coffer.engine.job.handler;

/**
 * A test hook, for kill tests only: with the environment variable {@value #VARIABLE} set to a step's name, the
 * process halts at once when it reaches that step ({@link Runtime#halt}: no shutdown hooks, no finally blocks, no
 * catalog writes; as {@code kill -9} would leave it). Unset (always, outside such tests) it does nothing. The one step:
 * {@value #BACKUP_COMMITTED}, a backup's point committed in the vault (manifest and hold) and its catalog row not yet
 * written (docs/design/catalog.md, "Adopting the point of a lost job"). Stateless; thread-safe.
 */
final class CrashTestHook {
    static final String VARIABLE = "COFFER_TEST_HOOK_HALT";
    static final String BACKUP_COMMITTED = "backup-committed";

    private CrashTestHook() {
    }

    /** Halts the process (exit status 137) when the test hook names {@code step}. */
    static void haltAt(String step) {
        if (step.equals(System.getenv(VARIABLE))) {
            System.err.println("test hook " + VARIABLE + ": halting at " + step);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
