package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Protection stopped: the instance, its name, and how many of its points are kept. */
public record ProtectionStopped(String instance, String name, @JsonProperty("protected") boolean isProtected, int pointsKept) {
}
