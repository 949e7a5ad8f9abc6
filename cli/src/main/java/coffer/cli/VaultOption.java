package coffer.cli;

import coffer.engine.vault.VaultLocation;
import picocli.CommandLine.Option;

/**
 * {@code --vault LOCATION}, defaulting to {@code $COFFER_VAULT}: a directory, or {@code s3://bucket[/prefix]}
 * reached with the settings of the environment ({@code COFFER_S3_ENDPOINT}, {@code AWS_*}; docs/cli.md).
 */
final class VaultOption {
    @Option(names = "--vault", paramLabel = "LOCATION",
            description = "The vault: a directory or s3://bucket[/prefix] (default: $COFFER_VAULT).",
            defaultValue = "${env:COFFER_VAULT}")
    String vault;

    VaultLocation require() {
        if (vault == null || vault.isBlank()) {
            throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                    "no vault given: pass --vault LOCATION or set COFFER_VAULT");
        }
        return Locations.parse(vault);
    }
}
