package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.util.Collection;
import java.util.List;

/**
 * The disks a backup asks for ({@code --disks}, a request's {@code disks}) checked against the disks the instance has,
 * before anything is done: through a server when the request is taken (the catalog's disks), offline before leftovers
 * are cleaned or the vault's side is read (the domain's). A disk it lacks is {@code InvalidArgument} naming it and the
 * instance's disks, as {@code protection add --disks} does (docs/cli.md, "One command, two modes").
 */
public final class BackupDisks {
    private BackupDisks() {
    }

    /**
     * @param note added after the instance's disks (where they were read from), or empty
     * @throws CofferException InvalidArgument when a disk asked for is not one of {@code has}
     */
    public static void check(String instance, Collection<String> wanted, Collection<String> has, String note) {
        List<String> missing = wanted.stream().filter(d -> !has.contains(d)).toList();
        if (!missing.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "disks: instance '" + instance + "' has no disk "
                    + String.join(", ", missing.stream().map(d -> "'" + d + "'").toList()) + " (it has "
                    + (has.isEmpty() ? "none" : String.join(", ", has)) + note + ")");
        }
    }
}
