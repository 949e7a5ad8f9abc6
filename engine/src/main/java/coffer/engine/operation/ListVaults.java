package coffer.engine.operation;

/** The server's vaults. */
public record ListVaults() implements Operation<VaultList> {}
