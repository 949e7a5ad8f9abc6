package coffer.server.config;

import coffer.engine.alert.ChangeRules;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.drill.DrillSettings;
import coffer.engine.reclaim.ReclaimSettings;
import coffer.engine.verify.VerifySettings;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import coffer.engine.vault.VaultLocation;
import coffer.vault.secret.Secret;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML configuration file and checks it whole: every unknown key, wrong type and bad value is
 * collected and reported in one {@link ErrorCode#InvalidArgument} error, one line per problem, each naming
 * the key (for example {@code limits.jobsPerHost: must be between 1 and 64, got 0}). Passwords may come from
 * the file, a file of their own or an environment variable, and become {@link Secret}s that never print;
 * listening beyond loopback without TLS must be allowed explicitly ({@code listen.allowPlainHttp}).
 */
public final class ServerConfigLoader {
    private static final Set<String> TOP = Set.of("dataDir", "listen", "tls", "catalog", "vaults", "hosts", "limits",
            "restoreDirectories", "assurance");

    private final List<String> problems = new ArrayList<>();
    private final Function<String, String> environment;

    private ServerConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    /** The configuration of {@code file} (null: defaults only), with {@code dataDir} overriding the file's. */
    public static ServerConfig load(Path file, Path dataDirOverride) {
        return load(file, dataDirOverride, System::getenv);
    }

    /** As {@link #load(Path, Path)}, reading the variables {@code passwordEnv} names from {@code environment}. */
    static ServerConfig load(Path file, Path dataDirOverride, Function<String, String> environment) {
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
        return new ServerConfigLoader(environment).build(root == null || root.isNull() ? null : root, file, dataDirOverride);
    }

    private ServerConfig build(JsonNode root, Path file, Path dataDirOverride) {
        if (root != null && !root.isObject()) {
            throw new CofferException(ErrorCode.InvalidArgument, "configuration file " + file + ": expected a mapping of keys");
        }
        JsonNode r = root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
        unknownKeys(r, TOP, "");
        Path dataDir = dataDirOverride != null ? dataDirOverride : path(r.get("dataDir"), "dataDir", defaultDataDir());

        JsonNode listen = r.path("listen");
        unknownKeys(listen, Set.of("address", "port", "allowPlainHttp"), "listen.");
        String address = text(listen.get("address"), "listen.address", ServerConfig.DEFAULT_ADDRESS);
        int port = integer(listen.get("port"), "listen.port", ServerConfig.DEFAULT_PORT, 0, 65535);
        boolean allowPlainHttp = bool(listen.get("allowPlainHttp"), "listen.allowPlainHttp", false);

        ServerConfig.Tls tls = null;
        JsonNode tlsNode = r.get("tls");
        if (tlsNode != null && !tlsNode.isNull()) {
            unknownKeys(tlsNode, Set.of("keystore", "password", "passwordFile", "passwordEnv"), "tls.");
            Path keystore = path(tlsNode.get("keystore"), "tls.keystore", null);
            if (keystore == null) {
                problems.add("tls.keystore: required when tls is set (a PKCS#12 file with the certificate and key)");
            } else if (!Files.isReadable(keystore)) {
                problems.add("tls.keystore: cannot read " + keystore);
            }
            Secret password = secret(tlsNode, "tls.");
            tls = new ServerConfig.Tls(keystore, password == null ? Secret.of("") : password);
        }
        if (tls == null && !allowPlainHttp && !loopback(address)) {
            problems.add("listen.address: " + address + " is not a loopback address, and without TLS every token would"
                    + " cross the network in plain text: configure tls, or set listen.allowPlainHttp: true (for example"
                    + " behind a proxy that terminates TLS)");
        }

        JsonNode catalogNode = r.path("catalog");
        unknownKeys(catalogNode, Set.of("url", "user", "password", "passwordFile", "passwordEnv", "poolSize"), "catalog.");
        String url = text(catalogNode.get("url"), "catalog.url", null);
        CatalogConfig catalog;
        if (url == null) {
            catalog = CatalogConfig.sqlite(dataDir.resolve("catalog.db"));
        } else {
            if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                problems.add("catalog.url: must start with jdbc:sqlite: or jdbc:postgresql:, got '" + CatalogConfig.redact(url) + "'");
            }
            catalog = new CatalogConfig(url, text(catalogNode.get("user"), "catalog.user", null),
                    secret(catalogNode, "catalog."), integer(catalogNode.get("poolSize"), "catalog.poolSize", 4, 2, 64));
        }

        List<ServerConfig.VaultEntry> vaults = new ArrayList<>();
        JsonNode vaultsNode = r.get("vaults");
        if (vaultsNode == null || vaultsNode.isNull()) {
            vaults.add(new ServerConfig.VaultEntry("default", dataDir.resolve("vault"), dataDir.resolve("keyring"), true));
        } else if (!vaultsNode.isArray() || vaultsNode.isEmpty()) {
            problems.add("vaults: must be a non-empty list of {name, path, keyring, encrypted, s3, region}");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < vaultsNode.size(); i++) {
                String at = "vaults[" + i + "].";
                JsonNode v = vaultsNode.get(i);
                unknownKeys(v, Set.of("name", "path", "keyring", "encrypted", "s3", "region"), at);
                String name = name(v.get("name"), at + "name");
                if (name != null && !names.add(name)) {
                    problems.add(at + "name: '" + name + "' is used twice");
                }
                VaultLocation location = location(v, at);
                boolean encrypted = bool(v.get("encrypted"), at + "encrypted", true);
                Path keyring = path(v.get("keyring"), at + "keyring", dataDir.resolve("keyring"));
                String region = region(v.get("region"), at + "region");
                vaults.add(new ServerConfig.VaultEntry(name, location, keyring, encrypted, region));
            }
        }

        List<ServerConfig.HostEntry> hosts = new ArrayList<>();
        JsonNode hostsNode = r.get("hosts");
        if (hostsNode == null || hostsNode.isNull()) {
            hosts.add(new ServerConfig.HostEntry("local", "qemu:///system"));
        } else if (!hostsNode.isArray() || hostsNode.isEmpty()) {
            problems.add("hosts: must be a non-empty list of {id, uri, region}");
        } else {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < hostsNode.size(); i++) {
                String at = "hosts[" + i + "].";
                JsonNode h = hostsNode.get(i);
                unknownKeys(h, Set.of("id", "uri", "region"), at);
                String id = name(h.get("id"), at + "id");
                if (id != null && !ids.add(id)) {
                    problems.add(at + "id: '" + id + "' is used twice");
                }
                String uri = text(h.get("uri"), at + "uri", null);
                if (uri == null || !uri.contains("://")) {
                    problems.add(at + "uri: required, a libvirt URI such as qemu:///system or qemu+ssh://host/system");
                }
                String region = region(h.get("region"), at + "region");
                if (region != null && vaults.stream().noneMatch(v -> region.equals(v.region()))) {
                    problems.add(at + "region: region '" + region + "' has no vault; its hosts' points need one there"
                            + " (a vault with region: " + region + ")");
                }
                hosts.add(new ServerConfig.HostEntry(id, uri, region));
            }
        }

        JsonNode limitsNode = r.path("limits");
        unknownKeys(limitsNode, Set.of("jobsPerHost", "workers", "instancesPerRequest", "bodyReads", "bodyReadSeconds"),
                "limits.");
        ServerConfig.Limits d = ServerConfig.Limits.DEFAULT;
        ServerConfig.Limits limits = new ServerConfig.Limits(
                integer(limitsNode.get("jobsPerHost"), "limits.jobsPerHost", d.jobsPerHost(), 1, 64),
                integer(limitsNode.get("workers"), "limits.workers", d.workers(), 1, 256),
                integer(limitsNode.get("instancesPerRequest"), "limits.instancesPerRequest", d.instancesPerRequest(), 1, 99),
                integer(limitsNode.get("bodyReads"), "limits.bodyReads", d.bodyReads(), 1, 10_000),
                Duration.ofSeconds(integer(limitsNode.get("bodyReadSeconds"), "limits.bodyReadSeconds",
                        (int) d.bodyReadTimeout().toSeconds(), 1, 300)));

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

        ServerConfig.Assurance assurance = assurance(r.path("assurance"), dataDir);

        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, (file == null ? "configuration" : "configuration file " + file)
                    + " has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":\n  "
                    + String.join("\n  ", problems));
        }
        return new ServerConfig(dataDir.toAbsolutePath(), address, port, tls, catalog, List.copyOf(vaults),
                List.copyOf(hosts), limits, restoreDirectories, assurance);
    }

    /**
     * The {@code assurance} section (docs/server.md, "Assurance"): each part falls back to its defaults, and each
     * settings record checks itself whole; its problems are reported with the others, named by their key.
     */
    private ServerConfig.Assurance assurance(JsonNode a, Path dataDir) {
        ServerConfig.Assurance d = ServerConfig.Assurance.defaults(dataDir);
        unknownKeys(a, Set.of("verify", "drills", "alerts", "reclaim"), "assurance.");

        JsonNode v = a.path("verify");
        unknownKeys(v, Set.of("fullEvery", "sampledEvery", "samplePeriod", "quarantine"), "assurance.verify.");
        VerifySettings verify = settings("assurance.verify", () -> new VerifySettings(
                duration(v.get("fullEvery"), "assurance.verify.fullEvery", d.verify().fullEvery(), true),
                duration(v.get("sampledEvery"), "assurance.verify.sampledEvery", d.verify().sampledEvery(), true),
                duration(v.get("samplePeriod"), "assurance.verify.samplePeriod", d.verify().samplePeriod(), false)),
                d.verify());
        boolean quarantine = bool(v.get("quarantine"), "assurance.verify.quarantine", d.quarantine());

        JsonNode dr = a.path("drills");
        unknownKeys(dr, Set.of("every", "check", "directory", "perHost", "budgetWait", "bootTimeout", "checkTimeout"),
                "assurance.drills.");
        DrillSettings dd = d.drills();
        DrillSettings drills = settings("assurance.drills", () -> new DrillSettings(
                path(dr.get("directory"), "assurance.drills.directory", dd.directory()),
                integer(dr.get("perHost"), "assurance.drills.perHost", dd.perHost(), 1, 64),
                duration(dr.get("budgetWait"), "assurance.drills.budgetWait", dd.budgetWait(), false),
                duration(dr.get("bootTimeout"), "assurance.drills.bootTimeout", dd.bootTimeout(), false),
                duration(dr.get("checkTimeout"), "assurance.drills.checkTimeout", dd.checkTimeout(), false),
                dd.outputLimit()), dd);
        Duration drillEvery = duration(dr.get("every"), "assurance.drills.every", null, true);
        List<String> check = new ArrayList<>();
        JsonNode checkNode = dr.get("check");
        if (checkNode != null && !checkNode.isNull()) {
            if (!checkNode.isArray() || checkNode.isEmpty()) {
                problems.add("assurance.drills.check: a list: the command's absolute path in the guest, then its arguments");
            } else {
                checkNode.forEach(w -> check.add(w.asText()));
                if (!check.getFirst().startsWith("/")) {
                    problems.add("assurance.drills.check: the command's path must be absolute, got '" + check.getFirst() + "'");
                }
            }
        }
        if (drillEvery != null && drillEvery.compareTo(Duration.ofHours(1)) < 0) {
            problems.add("assurance.drills.every: at least 1h (a drill boots a copy of the instance), got " + drillEvery);
        }

        JsonNode al = a.path("alerts");
        unknownKeys(al, Set.of("window", "minimumSamples", "rateMultiple", "minimumMiB", "incompressible",
                "usualCompressible"), "assurance.alerts.");
        ChangeRules r = d.alerts();
        ChangeRules alerts = settings("assurance.alerts", () -> new ChangeRules(
                integer(al.get("window"), "assurance.alerts.window", r.window(), 1, 1000),
                integer(al.get("minimumSamples"), "assurance.alerts.minimumSamples", r.minimumSamples(), 1, 1000),
                number(al.get("rateMultiple"), "assurance.alerts.rateMultiple", r.rateMultiple()),
                (long) integer(al.get("minimumMiB"), "assurance.alerts.minimumMiB", (int) (r.minimumBytes() >> 20), 0, 1 << 20) << 20,
                number(al.get("incompressible"), "assurance.alerts.incompressible", r.incompressible()),
                number(al.get("usualCompressible"), "assurance.alerts.usualCompressible", r.usualCompressible()),
                r.sampleFloor()), r);

        JsonNode re = a.path("reclaim");
        unknownKeys(re, Set.of("enabled", "deadline", "grace", "lockWait", "sweepBudget", "retryAfter", "rescanEvery"),
                "assurance.reclaim.");
        ReclaimSettings rd = d.reclaim();
        ReclaimSettings reclaim = settings("assurance.reclaim", () -> new ReclaimSettings(
                duration(re.get("deadline"), "assurance.reclaim.deadline", rd.deadline(), false),
                duration(re.get("grace"), "assurance.reclaim.grace", rd.grace(), false),
                duration(re.get("lockWait"), "assurance.reclaim.lockWait", rd.lockWait(), false),
                duration(re.get("sweepBudget"), "assurance.reclaim.sweepBudget", rd.sweepBudget(), false),
                duration(re.get("retryAfter"), "assurance.reclaim.retryAfter", rd.retryAfter(), false),
                duration(re.get("rescanEvery"), "assurance.reclaim.rescanEvery", rd.rescanEvery(), false)), rd);
        boolean reclaimOn = bool(re.get("enabled"), "assurance.reclaim.enabled", true);
        return new ServerConfig.Assurance(verify, quarantine, drills, drillEvery, check, alerts, reclaimOn ? reclaim : null);
    }

    /** A settings record made by {@code make}; its own check's problems become this file's (then the fallback). */
    private <T> T settings(String key, java.util.function.Supplier<T> make, T fallback) {
        try {
            return make.get();
        } catch (CofferException e) {
            problems.add(key + ": " + e.getMessage());
            return fallback;
        }
    }

    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d{1,9})(s|min|h|d)");

    /** {@code 45s}, {@code 30min}, {@code 12h}, {@code 7d}; with {@code offAllowed}, {@code off} is null. */
    private Duration duration(JsonNode node, String key, Duration fallback, boolean offAllowed) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fallback;
        }
        String text = node.asText().trim();
        if (offAllowed && (text.equals("off") || node.isBoolean() && !node.asBoolean())) { // YAML reads a bare off as false
            return null;
        }
        java.util.regex.Matcher m = DURATION.matcher(text);
        if (!node.isTextual() || !m.matches()) {
            problems.add(key + ": a duration such as 45s, 30min, 12h or 7d" + (offAllowed ? ", or off" : "") + ", got " + node);
            return fallback;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private double number(JsonNode node, String key, double fallback) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fallback;
        }
        if (!node.isNumber()) {
            problems.add(key + ": expected a number, got " + node);
            return fallback;
        }
        return node.asDouble();
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

    /** A vault's {@code path}: a directory, or {@code s3://bucket[/prefix]} with its optional {@code s3} settings. */
    private VaultLocation location(JsonNode v, String at) {
        String path = text(v.get("path"), at + "path", null);
        JsonNode s3 = v.get("s3");
        if (path == null) {
            problems.add(at + "path: required");
            return null;
        }
        if (!S3Location.isS3(path)) {
            if (s3 != null) {
                problems.add(at + "s3: only for a vault whose path is an s3:// location");
            }
            return VaultLocation.directory(Path.of(path));
        }
        S3Location bucket;
        try {
            bucket = S3Location.parse(path);
        } catch (IllegalArgumentException e) {
            problems.add(at + "path: " + e.getMessage());
            return null;
        }
        return new VaultLocation.Bucket(bucket, s3Settings(s3, at + "s3."));
    }

    /**
     * The {@code s3} block of an S3 vault: endpoint, region, pathStyle (default: true when an endpoint is set),
     * accessKeyId with secretAccessKey or secretAccessKeyFile (default: the AWS chain), profile, parallelism. A
     * problem with the secret names the key, never the value.
     */
    private S3Settings s3Settings(JsonNode node, String at) {
        unknownKeys(node, Set.of("endpoint", "region", "pathStyle", "accessKeyId", "secretAccessKey",
                "secretAccessKeyFile", "profile", "parallelism"), at);
        JsonNode s3 = node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
        String endpointText = text(s3.get("endpoint"), at + "endpoint", null);
        URI endpoint = null;
        if (endpointText != null) {
            try {
                endpoint = new URI(endpointText);
            } catch (URISyntaxException e) {
                problems.add(at + "endpoint: not a URL: " + e.getMessage());
            }
        }
        String region = text(s3.get("region"), at + "region", S3Settings.DEFAULT_REGION);
        boolean pathStyle = bool(s3.get("pathStyle"), at + "pathStyle", endpoint != null);
        String keyId = text(s3.get("accessKeyId"), at + "accessKeyId", null);
        JsonNode secretNode = s3.get("secretAccessKey");
        Path secretFile = path(s3.get("secretAccessKeyFile"), at + "secretAccessKeyFile", null);
        Secret secret = null;
        if (secretNode != null && !secretNode.isNull()) {
            if (secretNode.isTextual()) {
                secret = Secret.of(secretNode.asText());
            } else {
                problems.add(at + "secretAccessKey: expected text");
            }
        }
        if (secretFile != null) {
            if (secret != null) {
                problems.add(at + "secretAccessKeyFile: give secretAccessKey or secretAccessKeyFile, not both");
            }
            try {
                secret = Secret.of(Files.readString(secretFile).strip());
            } catch (IOException e) {
                problems.add(at + "secretAccessKeyFile: cannot read " + secretFile + ": " + e.getClass().getSimpleName());
            }
        }
        if ((keyId == null) != (secret == null)) {
            problems.add(at + "accessKeyId and a secret go together (or leave both out for the AWS credential chain)");
        }
        String profile = text(s3.get("profile"), at + "profile", null);
        int parallelism = integer(s3.get("parallelism"), at + "parallelism", S3Settings.DEFAULT_PARALLELISM, 1, 256);
        try {
            return new S3Settings(endpoint, region, pathStyle,
                    keyId != null && secret != null ? new S3Settings.Credentials(keyId, secret) : null, profile,
                    Math.clamp(parallelism, 1, 256));
        } catch (IllegalArgumentException e) {
            problems.add(at + e.getMessage());
            return null;
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

    /**
     * The secret under {@code password} (plain in the file), {@code passwordFile} (a file holding it; one trailing
     * line break is dropped) or {@code passwordEnv} (an environment variable holding it): at most one of them;
     * null when none is given. Problems never quote the secret.
     */
    private Secret secret(JsonNode parent, String prefix) {
        List<String> given = new ArrayList<>();
        for (String key : List.of("password", "passwordFile", "passwordEnv")) {
            JsonNode node = parent.get(key);
            if (node != null && !node.isNull()) {
                given.add(key);
            }
        }
        if (given.size() > 1) {
            problems.add(prefix + "password: give one of password, passwordFile, passwordEnv, not "
                    + String.join(" and ", given));
            return null;
        }
        if (given.isEmpty()) {
            return null;
        }
        String key = given.getFirst();
        JsonNode node = parent.get(key);
        if (!node.isTextual()) {
            problems.add(prefix + key + ": expected text" + (key.equals("password") ? " (quote it)" : ", got " + node));
            return null;
        }
        String value = node.asText();
        return switch (key) {
            case "password" -> Secret.of(value);
            case "passwordFile" -> secretFile(Path.of(value), prefix + key);
            default -> secretVariable(value, prefix + key);
        };
    }

    private Secret secretFile(Path file, String key) {
        try {
            String text = Files.readString(file);
            text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (text.isEmpty()) {
                problems.add(key + ": " + file + " is empty");
                return null;
            }
            return Secret.of(text);
        } catch (IOException e) {
            problems.add(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    private Secret secretVariable(String variable, String key) {
        if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            problems.add(key + ": expected the name of an environment variable, got '" + variable + "'");
            return null;
        }
        String value = environment.apply(variable);
        if (value == null || value.isEmpty()) {
            problems.add(key + ": the environment variable " + variable + " is not set");
            return null;
        }
        return Secret.of(value);
    }

    /** Whether {@code address} is a loopback address (a name is resolved; one that does not resolve is a problem). */
    private boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            problems.add("listen.address: cannot resolve '" + address + "'");
            return true; // reported already
        }
    }

    /** A vault's or host's {@code region}: a name, {@code local} when absent. */
    private String region(JsonNode node, String key) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return ServerConfig.LOCAL_REGION;
        }
        return name(node, key);
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
