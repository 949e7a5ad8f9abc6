package coffer.engine.catalog;

import java.util.List;

/**
 * Which instances {@link Instances#page} returns, by name then id: null fields match every instance. {@code hostIds}
 * and {@code instanceIds} (a group's members): only these (empty: none); {@code protectedOnly}: true only the
 * protected, false only the others; {@code state}: libvirt's state, or {@code gone}; {@code nameHolds}: only those
 * whose name holds this text (letters in either case: {@link FoldedName}); {@code withPoints}: true only those with a
 * point, false only those without; after {@code after}, at most {@code limit}. Immutable.
 */
public record InstanceQuery(List<String> hostIds, List<String> instanceIds, Boolean protectedOnly, String state,
                            NameCursor after, int limit, String nameHolds, Boolean withPoints) {
    /** With or without points alike. */
    public InstanceQuery(List<String> hostIds, List<String> instanceIds, Boolean protectedOnly, String state,
                         NameCursor after, int limit, String nameHolds) {
        this(hostIds, instanceIds, protectedOnly, state, after, limit, nameHolds, null);
    }

    /** Any name. */
    public InstanceQuery(List<String> hostIds, List<String> instanceIds, Boolean protectedOnly, String state,
                         NameCursor after, int limit) {
        this(hostIds, instanceIds, protectedOnly, state, after, limit, null, null);
    }

    public InstanceQuery {
        hostIds = hostIds == null ? null : List.copyOf(hostIds);
        instanceIds = instanceIds == null ? null : List.copyOf(instanceIds);
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one instance, got limit " + limit);
        }
    }

    /** The same query for the page after {@code cursor}. */
    public InstanceQuery after(NameCursor cursor) {
        return new InstanceQuery(hostIds, instanceIds, protectedOnly, state, cursor, limit, nameHolds, withPoints);
    }
}
