package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** Discovered instances, refreshed from libvirt. */
public interface Instances {
    /**
     * Replaces what is known of a host's instances by what discovery found: new ones added, known ones
     * updated (name, state, disks), missing ones marked {@code gone} (never deleted: points refer to them).
     */
    void refresh(String hostId, List<Instance> found);

    List<Instance> list(String hostId);

    List<Instance> listAll();

    /** One page of the instances {@code query} selects, by name then id, with their disks and the next page's cursor. */
    NamePage<Instance> page(InstanceQuery query);

    /**
     * One page of the instances that have points (the drills' list), by name then id after {@code after} (null: the
     * first page), at most {@code limit}, with their disks and the next page's cursor.
     */
    NamePage<Instance> withPoints(NameCursor after, int limit);

    Optional<Instance> find(String id);

    /**
     * The instances of these ids that exist, with their disks, in no set order: two statements for up to 500 ids
     * (a page's members or a list's instances), not one read per id.
     */
    List<Instance> find(java.util.Collection<String> ids);

    /** By UUID, or by name (on any host; the first match by host id) when {@code idOrName} is no UUID. */
    Optional<Instance> resolve(String idOrName);
}
