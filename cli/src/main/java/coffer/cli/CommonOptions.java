package coffer.cli;

import coffer.vault.crypto.LocalKeyRing;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every command takes. Mixed into each leaf command. */
final class CommonOptions {
    enum Format { text, json }

    @Option(names = "--output", paramLabel = "text|json", description = "Output format (default: ${DEFAULT-VALUE}).",
            defaultValue = "text")
    Format output = Format.text;

    @Option(names = "--keyring", paramLabel = "FILE", description = "Key ring file (default: $COFFER_KEYRING, else ~/.config/coffer/keyring.json).")
    Path keyring;

    Path keyRing() {
        return keyring != null ? keyring : LocalKeyRing.defaultPath();
    }

    boolean json() {
        return output == Format.json;
    }
}
