package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.VaultLocation;

/** A vault location typed on the command line, with the S3 settings of the environment. Stateless. */
final class Locations {
    private Locations() {
    }

    static VaultLocation parse(String text) {
        try {
            return VaultLocation.parse(text, Cli.environment());
        } catch (IllegalArgumentException e) {
            throw new CofferException(ErrorCode.InvalidArgument, "vault location '" + text + "': " + e.getMessage());
        }
    }
}
