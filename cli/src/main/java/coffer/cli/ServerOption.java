package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --url URL}: the Coffer server the command talks to. Without the option: {@code $COFFER_URL}, else
 * the client file ({@code $COFFER_CLIENT_CONFIG}, else {@code ~/.config/coffer/client.yaml}, keys
 * {@code url}, {@code token}, {@code tokenFile}). The token: {@code $COFFER_TOKEN}, else the file named by
 * {@code $COFFER_TOKEN_FILE}, else the client file, else the server's admin token file
 * ({@code $COFFER_DATA_DIR/admin.token}, default {@code /var/lib/coffer/admin.token}) when readable
 * (docs/cli.md).
 */
final class ServerOption {
    @Option(names = "--url", paramLabel = "URL", description = "The Coffer server (default: $COFFER_URL, else the client file $XDG_CONFIG_HOME/coffer/client.yaml or ~/.config/coffer/client.yaml).")
    String url;
    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the API token (default: $COFFER_TOKEN, $COFFER_TOKEN_FILE, the client file, the server's admin token file).")
    Path tokenFile;

    /** The server's client when one is configured, else empty (offline commands). */
    Optional<ApiClient> client() {
        JsonNode file = clientFile();
        String chosen = url != null ? url : env("COFFER_URL");
        if (chosen == null && file != null && file.hasNonNull("url")) {
            chosen = file.get("url").asText();
        }
        if (chosen == null) {
            return Optional.empty();
        }
        return Optional.of(new ApiClient(chosen, tokenFile != null ? read(tokenFile) : token(file)));
    }

    ApiClient require() {
        return client().orElseThrow(() -> new CofferException(ErrorCode.InvalidArgument,
                "no server given: pass --url URL, set COFFER_URL, or write " + configDirectory().resolve("client.yaml")));
    }

    /** The operations of the server (for the commands that need one). */
    HttpOperations operations() {
        return new HttpOperations(require());
    }

    /** {@code $XDG_CONFIG_HOME/coffer}, else {@code $HOME/.config/coffer}. */
    static Path configDirectory() {
        String xdg = env("XDG_CONFIG_HOME");
        String home = env("HOME");
        return xdg != null ? Path.of(xdg, "coffer")
                : Path.of(home != null ? home : System.getProperty("user.home"), ".config", "coffer");
    }

    private static String token(JsonNode file) {
        String token = env("COFFER_TOKEN");
        if (token != null) {
            return token;
        }
        String tokenFile = env("COFFER_TOKEN_FILE");
        if (tokenFile != null) {
            return read(Path.of(tokenFile));
        }
        if (file != null && file.hasNonNull("token")) {
            return file.get("token").asText();
        }
        if (file != null && file.hasNonNull("tokenFile")) {
            return read(Path.of(file.get("tokenFile").asText()));
        }
        String dataDir = env("COFFER_DATA_DIR");
        Path admin = Path.of(dataDir != null ? dataDir : "/var/lib/coffer", "admin.token");
        return Files.isReadable(admin) ? read(admin) : null;
    }

    private static JsonNode clientFile() {
        String configured = env("COFFER_CLIENT_CONFIG");
        Path path = configured != null ? Path.of(configured) : configDirectory().resolve("client.yaml");
        if (!Files.isRegularFile(path)) {
            if (configured != null) {
                throw new CofferException(ErrorCode.InvalidArgument, "COFFER_CLIENT_CONFIG names " + path + ", which does not exist");
            }
            return null;
        }
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
        } catch (IOException e) {
            throw new CofferException(ErrorCode.InvalidArgument, path + " is not valid YAML: " + e.getMessage());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "it does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : String.valueOf(e.getMessage());
            throw new CofferException(ErrorCode.InvalidArgument, "cannot read the token file " + file + ": " + why
                    + " (--token-file, COFFER_TOKEN_FILE or the client file's tokenFile)");
        }
    }

    private static String env(String name) {
        String value = Cli.environment().get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
