package coffer.server.config;

import coffer.engine.catalog.CatalogConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * The server's configuration (docs/server.md): every field has a default, so {@code coffer server} runs
 * with no file at all. Built by {@link ServerConfigLoader}, which reports every problem of a file at once.
 */
public record ServerConfig(Path dataDir, String address, int port, Tls tls, CatalogConfig catalog,
                           List<VaultEntry> vaults, List<HostEntry> hosts, Limits limits,
                           List<Path> restoreDirectories) {
    public static final int DEFAULT_PORT = 8470;
    public static final String DEFAULT_ADDRESS = "127.0.0.1";

    public ServerConfig {
        restoreDirectories = List.copyOf(restoreDirectories);
    }

    /** With the default restore directory, {@link #defaultRestoreDirectory}. */
    public ServerConfig(Path dataDir, String address, int port, Tls tls, CatalogConfig catalog,
                        List<VaultEntry> vaults, List<HostEntry> hosts, Limits limits) {
        this(dataDir, address, port, tls, catalog, vaults, hosts, limits, List.of(defaultRestoreDirectory(dataDir)));
    }

    /**
     * Where restores may write when the configuration names no directory: {@code <dataDir>/restores}
     * (docs/server.md, "Restore directories").
     */
    public static Path defaultRestoreDirectory(Path dataDir) {
        return dataDir.toAbsolutePath().resolve("restores");
    }

    /** A PKCS#12 key store holding the certificate and its key; null {@link ServerConfig#tls} = plain HTTP. */
    public record Tls(Path keystore, String password) {
    }

    /** A vault by name: a directory and the key ring of an encrypted vault. */
    public record VaultEntry(String name, Path path, Path keyring, boolean encrypted) {
    }

    /** A libvirt host by id. */
    public record HostEntry(String id, String uri) {
    }

    /** Per-host running jobs, worker threads, and instances per protect request. */
    public record Limits(int jobsPerHost, int workers, int instancesPerRequest) {
        public static final Limits DEFAULT = new Limits(2, 4, 99);
    }

    public String defaultVault() {
        return vaults.getFirst().name();
    }

    public Path adminTokenFile() {
        return dataDir.resolve("admin.token");
    }

    public String url() {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return (tls == null ? "http" : "https") + "://" + host + ":" + port;
    }
}
