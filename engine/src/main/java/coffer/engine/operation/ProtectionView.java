package coffer.engine.operation;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** A protected instance: every disk ({@code allDisks}, including later ones) or {@code disks}, into {@code vault}. */
public record ProtectionView(String instance, @JsonInclude(JsonInclude.Include.NON_NULL) String name, boolean allDisks,
                             List<String> disks, String vault, Instant createdAt) {
    public static ProtectionView of(Protection p, Instance instance) {
        return of(p, instance == null ? null : instance.name());
    }

    /** {@code instanceName}: null when the instance row is gone. */
    public static ProtectionView of(Protection p, String instanceName) {
        return new ProtectionView(p.instanceId(), instanceName, p.allDisks(), p.disks(), p.vault(), p.createdAt());
    }
}
