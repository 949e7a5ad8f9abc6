package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.operation.Operations;
import coffer.engine.operation.offline.OfflineOperations;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Clock;

/**
 * Where a command that works both ways runs its operation: offline, on a vault ({@code --vault}, default
 * {@code $COFFER_VAULT}) and a libvirt host ({@code --connect}), or through a server ({@code --url}, default
 * {@code $COFFER_URL} or the client file) when one is configured and neither {@code --vault} nor {@code --connect}
 * is given. The same records go either way (docs/design/operations.md); an option of the other mode is refused
 * naming the mode.
 */
final class Transport {
    @Mixin VaultOption vaultOption;
    @Mixin ConnectOption connect;
    @Mixin KeyringOption keyring;
    @Mixin ServerOption server;
    /** The command this is mixed into: offline, a refusal names it as typed ({@code coffer point extend}). */
    @Spec(Spec.Target.MIXEE) CommandSpec command;

    /** True when this command runs offline. */
    boolean offline() {
        return (vaultOption.vault != null && !vaultOption.vault.isBlank()) || connect.uri != null || server.client().isEmpty();
    }

    /** The operations of the chosen mode; {@code threads} is an offline tuning (0: the default). */
    Operations open(int threads) {
        if (offline()) {
            return new OfflineOperations(new OfflineOperations.Settings(
                    vaultOption.vault == null || vaultOption.vault.isBlank() ? null : Locations.parse(vaultOption.vault), keyring.keyRing(), connect.resolved(),
                    InstanceBackup.runtimeRoot(Cli.environment()), threads, Clock.systemUTC(), command.qualifiedName()));
        }
        refuse(keyring.keyring != null, "--keyring", "the server opens its vaults with its own key rings");
        refuse(threads != 0, "--threads", "the server chooses its workers");
        return new HttpOperations(server.client().orElseThrow());
    }

    /** Refuses an option this mode does not take, naming the mode. */
    void refuse(boolean given, String option, String why) {
        if (given) {
            throw new CofferException(ErrorCode.InvalidArgument, option + " is for " + (offline()
                    ? "commands through a server (--url); offline " : "offline commands (--vault); through a server ") + why);
        }
    }

    /** Closes what an offline run opened. */
    static void close(Operations operations) {
        if (operations instanceof OfflineOperations offline) {
            offline.close();
        }
    }
}
