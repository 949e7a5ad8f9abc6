package coffer.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --vault PATH}, defaulting to {@code $COFFER_VAULT}. */
final class VaultOption {
    @Option(names = "--vault", paramLabel = "PATH", description = "The vault (default: $COFFER_VAULT).",
            defaultValue = "${env:COFFER_VAULT}")
    Path vault;

    Path require() {
        if (vault == null) {
            throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                    "no vault given: pass --vault PATH or set COFFER_VAULT");
        }
        return vault;
    }
}
