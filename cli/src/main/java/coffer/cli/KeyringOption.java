package coffer.cli;

import coffer.vault.crypto.LocalKeyRing;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --keyring FILE}: the key ring of an encrypted vault, on the commands that open a vault themselves. */
final class KeyringOption {
    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Key ring file (default: $COFFER_KEYRING, else $XDG_CONFIG_HOME/coffer/keyring.json, else ~/.config/coffer/keyring.json).")
    Path keyring;

    Path keyRing() {
        return keyring != null ? keyring : LocalKeyRing.defaultPath();
    }
}
