package coffer.engine.catalog;

import coffer.engine.policy.Policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The policy center. Names are unique. Implementations MUST be thread-safe. */
public interface Policies {
    /** Stores a new policy; {@code NameTaken} when another policy has its name. */
    default StoredPolicy create(Policy policy) {
        return create(policy, PointRecord.LOCAL_REGION);
    }

    /** Stores a new policy of {@code region}; {@code NameTaken} when another policy has its name. */
    StoredPolicy create(Policy policy, String region);

    /**
     * Replaces a policy's fields and, in the same transaction, sets the next run of every plan bound to it
     * to {@code nextRun.apply(plan)} (a new schedule starts from the edit). Empty when there is no such
     * policy; {@code NameTaken} when the new name belongs to another policy.
     */
    Optional<StoredPolicy> update(String id, Policy policy, Function<Plan, Instant> nextRun);

    Optional<StoredPolicy> find(String id);

    /** By id, else by name. */
    Optional<StoredPolicy> resolve(String idOrName);

    /** All policies by name. */
    List<StoredPolicy> list();

    /** The policies of these ids (those that exist), in one statement. */
    List<StoredPolicy> find(java.util.Collection<String> ids);

    /** One page of the policies (of {@code region} when given), by name, after {@code after}. */
    NamePage<StoredPolicy> page(String region, NameCursor after, int limit);

    /** Deletes an unused policy; false if there is none; {@code PolicyInUse} naming the plans bound to it. */
    boolean delete(String id);
}
