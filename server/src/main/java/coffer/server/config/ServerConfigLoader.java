package coffer.server.config;

import coffer.engine.catalog.CatalogConfig;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML configuration file and checks it whole: every unknown key, wrong type and bad value is
 * collected and reported in one {@link ErrorCode#InvalidArgument} error, one line per problem, each naming
 * the key (for example {@code limits.jobsPerHost: must be between 1 and 64, got 0}).
 */
public final class ServerConfigLoader {
    private static final Set<String> TOP = Set.of("dataDir", "listen", "tls", "catalog", "vaults", "hosts", "limits",
            "restoreDirectories");

    private final List<String> problems = new ArrayList<>();

    private ServerConfigLoader() {
    }

    /** The configuration of {@code file} (null: defaults only), with {@code dataDir} overriding the file's. */
    public static ServerConfig load(Path file, Path dataDirOverride) {
        JsonNode root = null;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new CofferException(ErrorCode.InvalidArgument, "configuration file " + file + " does not exist");
            }
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            } catch (IOException e) {
                throw new CofferException(ErrorCode.InvalidArgument, "configuration file " + file + " is not valid YAML: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return new ServerConfigLoader().build(root == null || root.isNull() ? null : root, file, dataDirOverride);
    }

    private ServerConfig build(JsonNode root, Path file, Path dataDirOverride) {
        if (root != null && !root.isObject()) {
            throw new CofferException(ErrorCode.InvalidArgument, "configuration file " + file + ": expected a mapping of keys");
        }
        JsonNode r = root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
        unknownKeys(r, TOP, "");
        Path dataDir = dataDirOverride != null ? dataDirOverride : path(r.get("dataDir"), "dataDir", defaultDataDir());

        JsonNode listen = r.path("listen");
        unknownKeys(listen, Set.of("address", "port"), "listen.");
        String address = text(listen.get("address"), "listen.address", ServerConfig.DEFAULT_ADDRESS);
        int port = integer(listen.get("port"), "listen.port", ServerConfig.DEFAULT_PORT, 0, 65535);

        ServerConfig.Tls tls = null;
        JsonNode tlsNode = r.get("tls");
        if (tlsNode != null && !tlsNode.isNull()) {
            unknownKeys(tlsNode, Set.of("keystore", "password"), "tls.");
            Path keystore = path(tlsNode.get("keystore"), "tls.keystore", null);
            if (keystore == null) {
                problems.add("tls.keystore: required when tls is set (a PKCS#12 file with the certificate and key)");
            } else if (!Files.isReadable(keystore)) {
                problems.add("tls.keystore: cannot read " + keystore);
            }
            tls = new ServerConfig.Tls(keystore, text(tlsNode.get("password"), "tls.password", ""));
        }

        JsonNode catalogNode = r.path("catalog");
        unknownKeys(catalogNode, Set.of("url", "user", "password", "poolSize"), "catalog.");
        String url = text(catalogNode.get("url"), "catalog.url", null);
        CatalogConfig catalog;
        if (url == null) {
            catalog = CatalogConfig.sqlite(dataDir.resolve("catalog.db"));
        } else {
            if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                problems.add("catalog.url: must start with jdbc:sqlite: or jdbc:postgresql:, got '" + url + "'");
            }
            catalog = new CatalogConfig(url, text(catalogNode.get("user"), "catalog.user", null),
                    text(catalogNode.get("password"), "catalog.password", null),
                    integer(catalogNode.get("poolSize"), "catalog.poolSize", 4, 1, 64));
        }

        List<ServerConfig.VaultEntry> vaults = new ArrayList<>();
        JsonNode vaultsNode = r.get("vaults");
        if (vaultsNode == null || vaultsNode.isNull()) {
            vaults.add(new ServerConfig.VaultEntry("default", dataDir.resolve("vault"), dataDir.resolve("keyring"), true));
        } else if (!vaultsNode.isArray() || vaultsNode.isEmpty()) {
            problems.add("vaults: must be a non-empty list of {name, path, keyring, encrypted}");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < vaultsNode.size(); i++) {
                String at = "vaults[" + i + "].";
                JsonNode v = vaultsNode.get(i);
                unknownKeys(v, Set.of("name", "path", "keyring", "encrypted"), at);
                String name = name(v.get("name"), at + "name");
                if (name != null && !names.add(name)) {
                    problems.add(at + "name: '" + name + "' is used twice");
                }
                Path path = path(v.get("path"), at + "path", null);
                if (path == null) {
                    problems.add(at + "path: required");
                }
                boolean encrypted = bool(v.get("encrypted"), at + "encrypted", true);
                Path keyring = path(v.get("keyring"), at + "keyring", dataDir.resolve("keyring"));
                vaults.add(new ServerConfig.VaultEntry(name, path, keyring, encrypted));
            }
        }

        List<ServerConfig.HostEntry> hosts = new ArrayList<>();
        JsonNode hostsNode = r.get("hosts");
        if (hostsNode == null || hostsNode.isNull()) {
            hosts.add(new ServerConfig.HostEntry("local", "qemu:///system"));
        } else if (!hostsNode.isArray() || hostsNode.isEmpty()) {
            problems.add("hosts: must be a non-empty list of {id, uri}");
        } else {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < hostsNode.size(); i++) {
                String at = "hosts[" + i + "].";
                JsonNode h = hostsNode.get(i);
                unknownKeys(h, Set.of("id", "uri"), at);
                String id = name(h.get("id"), at + "id");
                if (id != null && !ids.add(id)) {
                    problems.add(at + "id: '" + id + "' is used twice");
                }
                String uri = text(h.get("uri"), at + "uri", null);
                if (uri == null || !uri.contains("://")) {
                    problems.add(at + "uri: required, a libvirt URI such as qemu:///system or qemu+ssh://host/system");
                }
                hosts.add(new ServerConfig.HostEntry(id, uri));
            }
        }

        JsonNode limitsNode = r.path("limits");
        unknownKeys(limitsNode, Set.of("jobsPerHost", "workers", "instancesPerRequest"), "limits.");
        ServerConfig.Limits d = ServerConfig.Limits.DEFAULT;
        ServerConfig.Limits limits = new ServerConfig.Limits(
                integer(limitsNode.get("jobsPerHost"), "limits.jobsPerHost", d.jobsPerHost(), 1, 64),
                integer(limitsNode.get("workers"), "limits.workers", d.workers(), 1, 256),
                integer(limitsNode.get("instancesPerRequest"), "limits.instancesPerRequest", d.instancesPerRequest(), 1, 99));

        List<Path> restoreDirectories = new ArrayList<>();
        JsonNode restoreNode = r.get("restoreDirectories");
        if (restoreNode == null || restoreNode.isNull()) {
            restoreDirectories.add(ServerConfig.defaultRestoreDirectory(dataDir));
        } else if (!restoreNode.isArray()) {
            problems.add("restoreDirectories: must be a list of absolute directory paths");
        } else {
            for (int i = 0; i < restoreNode.size(); i++) {
                JsonNode item = restoreNode.get(i);
                Path directory = item.isTextual() ? Path.of(item.asText()).normalize() : null;
                if (directory == null || !directory.isAbsolute() || directory.getParent() == null) {
                    problems.add("restoreDirectories[" + i + "]: must be an absolute directory path other than /, got "
                            + item);
                } else {
                    restoreDirectories.add(directory);
                }
            }
        }

        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, (file == null ? "configuration" : "configuration file " + file)
                    + " has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":\n  "
                    + String.join("\n  ", problems));
        }
        return new ServerConfig(dataDir.toAbsolutePath(), address, port, tls, catalog, List.copyOf(vaults),
                List.copyOf(hosts), limits, restoreDirectories);
    }

    /** {@code $COFFER_DATA_DIR}, else {@code /var/lib/coffer}. */
    public static Path defaultDataDir() {
        String env = System.getenv("COFFER_DATA_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "/var/lib/coffer");
    }

    private void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problems.add((prefix.isEmpty() ? "(top)" : prefix.substring(0, prefix.length() - 1)) + ": expected a mapping");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                problems.add(prefix + key + ": unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private String text(JsonNode node, String key, String fallback) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fallback;
        }
        if (!node.isTextual()) {
            problems.add(key + ": expected text, got " + node);
            return fallback;
        }
        return node.asText();
    }

    private String name(JsonNode node, String key) {
        String value = text(node, key, null);
        if (value == null) {
            problems.add(key + ": required");
        } else if (!value.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            problems.add(key + ": use lower-case letters, digits, '-' and '_' (at most 63), got '" + value + "'");
        }
        return value;
    }

    private Path path(JsonNode node, String key, Path fallback) {
        String value = text(node, key, null);
        return value == null ? fallback : Path.of(value);
    }

    private int integer(JsonNode node, String key, int fallback, int min, int max) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fallback;
        }
        if (!node.isInt()) {
            problems.add(key + ": expected a whole number, got " + node);
            return fallback;
        }
        int value = node.asInt();
        if (value < min || value > max) {
            problems.add(key + ": must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private boolean bool(JsonNode node, String key, boolean fallback) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            problems.add(key + ": expected true or false, got " + node);
            return fallback;
        }
        return node.asBoolean();
    }
}
