package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/**
 * Consistency groups and their group points. Group names are unique; an instance may be in several groups.
 * Implementations MUST be thread-safe.
 */
public interface Groups {
    /**
     * Stores a new group of these instances (ids, in order, each once, all on {@code hostId});
     * {@code NameTaken} when another group has the name.
     */
    InstanceGroup create(String name, String hostId, List<String> instanceIds);

    /** By id, else by name. */
    Optional<InstanceGroup> resolve(String idOrName);

    /** All groups by name. */
    List<InstanceGroup> list();

    /** One page of the groups (of host {@code hostId} when given), by name, with their members, after {@code after}. */
    NamePage<InstanceGroup> page(String hostId, NameCursor after, int limit);

    /** Deletes the group (its group points stay); false if there is none. */
    boolean delete(String id);

    /** Records a group point taken by a group backup. */
    void recordPoint(GroupPointRecord point);

    /** The group's points, oldest first. */
    List<GroupPointRecord> points(String groupId);

    /** A group point by its id. */
    Optional<GroupPointRecord> findPoint(String id);

    /** One page of group points (of group {@code groupId} when given), oldest first (instant, id), with their members. */
    Page<GroupPointRecord> pointPage(String groupId, PageCursor after, int limit);
}
