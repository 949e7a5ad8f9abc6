package coffer.cli;

import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.AesGcm;
import coffer.virt.libvirt.Libvirt;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Begins, while picocli builds and parses the command line, the start-up work an offline instance command will
 * need whatever its arguments: libvirt loaded and its functions bound, the vault's native functions (libcrypto,
 * the file system calls) bound and the JDK's AES-GCM looked up. That binding spins the foreign function API's
 * classes, which the start-up cache does not keep, and was a third of a command-line backup's start; begun at the
 * command's first line on threads of their own, it overlaps picocli instead of following it (docs/performance.md,
 * session 13). Only what the arguments cannot change is done here: connecting and opening the vault stay with the
 * command. Each step is idempotent and silent (a failure shows where the work is really done).
 *
 * <p>Begun only for the instance commands that run offline (a vault or a libvirt URI named, by option or
 * {@code COFFER_VAULT}): through a server the command needs none of it. Thread-safe.
 */
final class EarlyStart {
    /** The instance commands that connect to libvirt and open a vault when run offline. */
    private static final Set<String> COMMANDS = Set.of("backup", "restore", "clone");

    private EarlyStart() {
    }

    /** Starts the work for {@code args} on daemon threads when it is needed; returns at once. */
    static void begin(String[] args, Map<String, String> env) {
        if (!needed(List.of(args), env)) {
            return;
        }
        Thread.ofPlatform().daemon().name("early-start").start(() -> {
            Libvirt.preload();
            AesGcm.preload();
            LocalDirectoryBackend.preload();
        });
    }

    static boolean needed(List<String> args, Map<String, String> env) {
        if (args.isEmpty() || !COMMANDS.contains(args.getFirst())) {
            return false;
        }
        boolean vaultGiven = env.get("COFFER_VAULT") != null && !env.get("COFFER_VAULT").isBlank();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return false;
            }
            vaultGiven |= arg.equals("--vault") || arg.startsWith("--vault=") || arg.equals("--connect")
                    || arg.startsWith("--connect=") || arg.equals("-c");
        }
        return vaultGiven;
    }
}
