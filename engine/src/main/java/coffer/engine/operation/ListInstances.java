package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Instances with their disks: of one {@code host} when given; only the protected (or unprotected) ones when given. */
public record ListInstances(String host, @JsonProperty("protected") Boolean protectedOnly) implements Operation<InstanceList> {
}
