package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A vault of the server: its name, where it is (a directory or a bucket), whether it is encrypted, whether it is the default, and its region. */
public record VaultView(String name, String path, boolean encrypted, @JsonProperty("default") boolean isDefault,
                        String region) {
}
