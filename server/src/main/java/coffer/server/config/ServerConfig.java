package coffer.server.config;

import coffer.engine.catalog.CatalogConfig;
import coffer.engine.vault.VaultLocation;
import coffer.vault.secret.Secret;

import java.nio.file.Path;
import java.time.Duration;
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
    public record Tls(Path keystore, Secret password) {
    }

    /** The region of a configuration that names none: today's single site. */
    public static final String LOCAL_REGION = "local";

    /**
     * A vault by name (unique across regions): where it lives (a directory or an S3 bucket), the key ring of an
     * encrypted vault, and the region (site) it belongs to.
     */
    public record VaultEntry(String name, VaultLocation location, Path keyring, boolean encrypted, String region) {
        public VaultEntry(String name, VaultLocation location, Path keyring, boolean encrypted) {
            this(name, location, keyring, encrypted, LOCAL_REGION);
        }

        public VaultEntry(String name, Path directory, Path keyring, boolean encrypted) {
            this(name, VaultLocation.directory(directory), keyring, encrypted);
        }

        /** The directory of a local vault; null for an S3 vault. */
        public Path path() {
            return location instanceof VaultLocation.Directory(Path directory) ? directory : null;
        }
    }

    /** A libvirt host by id, and the region (site) it runs in. */
    public record HostEntry(String id, String uri, String region) {
        public HostEntry(String id, String uri) {
            this(id, uri, LOCAL_REGION);
        }
    }

    /**
     * Per-host running jobs, worker threads, instances per protect request; requests that may wait at once
     * for request body bytes still to arrive, and how long a request body may take to arrive in full.
     */
    public record Limits(int jobsPerHost, int workers, int instancesPerRequest, int bodyReads, Duration bodyReadTimeout) {
        public static final Limits DEFAULT = new Limits(2, 4, 99, 64, Duration.ofSeconds(10));

        /** These limits with other request body bounds. */
        public Limits withBodyReads(int reads, Duration timeout) {
            return new Limits(jobsPerHost, workers, instancesPerRequest, reads, timeout);
        }
    }

    public String defaultVault() {
        return vaults.getFirst().name();
    }

    /**
     * The regions (sites) the configuration names, in the order they first appear (vaults, then hosts): each has its
     * own vaults and libvirt hosts (docs/server.md, "Regions"). Without any {@code region} key: {@code [local]}.
     */
    public List<String> regions() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        vaults.forEach(v -> names.add(v.region()));
        hosts.forEach(h -> names.add(h.region()));
        return List.copyOf(names);
    }

    /** The vaults of {@code region}, the first being that region's default. */
    public List<VaultEntry> vaultsIn(String region) {
        return vaults.stream().filter(v -> v.region().equals(region)).toList();
    }

    /** The libvirt hosts of {@code region}. */
    public List<HostEntry> hostsIn(String region) {
        return hosts.stream().filter(h -> h.region().equals(region)).toList();
    }

    public Path adminTokenFile() {
        return dataDir.resolve("admin.token");
    }

    public String url() {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return (tls == null ? "http" : "https") + "://" + host + ":" + port;
    }
}
