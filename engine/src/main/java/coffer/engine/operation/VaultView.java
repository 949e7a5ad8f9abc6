package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A vault of the server: its name, directory, whether it is encrypted, and whether it is the default. */
public record VaultView(String name, String path, boolean encrypted, @JsonProperty("default") boolean isDefault) {
}
