package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.replication.Regions;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vaults of the tests of lost points: {@code default} (the test's vault, region {@code local}, with the host
 * {@code host}) and {@code east-vault} (region {@code east}), the destination of the replication a plan's policy asks
 * for, never opened (the replication is only queued). {@code beforeRegionOfDefault} runs whenever the region of
 * {@code default} is asked (an adoption asks it right before it writes the row). Thread-safe when the hook is.
 */
public record ReplicatingVaults(Vault vault, String host, Runnable beforeRegionOfDefault) implements VaultDirectory {
    public ReplicatingVaults(Vault vault, String host) {
        this(vault, host, () -> { });
    }

    @Override
    public Set<String> names() {
        return Set.of("default", "east-vault");
    }

    @Override
    public String defaultName() {
        return "default";
    }

    @Override
    public Vault open(String name) {
        return vault;
    }

    @Override
    public String regionOf(String name) {
        if (name.equals("default")) {
            beforeRegionOfDefault.run();
        }
        return name.equals("east-vault") ? "east" : "local";
    }

    public Regions regions() {
        return new Regions(Map.of("local", List.of("default"), "east", List.of("east-vault")),
                Map.of("local", List.of(host), "east", List.of()));
    }

    /** An hourly policy from {@code t0}, immutable, keeping points a day and replicating them to {@code east-vault}. */
    public static StoredPolicy lockedPolicy(Catalog catalog, Instant t0) {
        return catalog.policies().create(new Policy("locked", Schedule.of(t0, Interval.hours(1)),
                Retention.keepFor(RetentionPeriod.days(1)), true,
                ReplicationRule.to("east", "east-vault", RetentionPeriod.days(7), new ReplicationRule.Encryption.Auto()),
                ArchiveRule.OFF));
    }
}
