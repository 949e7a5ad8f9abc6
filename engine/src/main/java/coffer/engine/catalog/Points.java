package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The points index. */
public interface Points {
    /** Inserts or replaces the row (rebuild and backup both call it). */
    void upsert(PointRecord point);

    /**
     * Inserts or replaces the row of a point a plan's run made, marked as that plan's under that policy (immutable
     * when the policy is), in one transaction: the row never exists unmarked, so no crash between two writes leaves
     * an immutable point that the catalog would let a person delete (docs/format/hold.md, "Who sets it").
     */
    void upsertOfPlan(PointRecord point, String planId, String policyId, boolean immutable);

    /**
     * Inserts the row only when the catalog has none of that id, marked as plan {@code planId}'s under that policy
     * (immutable when the policy is) in the same transaction when {@code planId} is not null; true when this call
     * inserted it. Of two callers at once (two servers adopting one lost point, docs/design/catalog.md "Adopting the
     * point of a lost job") exactly one gets true: the database's unique key on the id decides.
     */
    boolean insertIfAbsent(PointRecord point, String planId, String policyId, boolean immutable);

    List<PointRecord> listByInstance(String instanceId);

    List<PointRecord> listAll();

    /** Logical and stored bytes of every point row, summed in the catalog per vault, instance, disk and day. */
    PointTotals totals();

    /**
     * One page of the points {@code query} selects, newest first (by creation, then id), with their disks: after its
     * cursor (with the next page's), or at its offset (with how many matched in all).
     */
    Page<PointRecord> page(PointQuery query);

    /**
     * The newest point (by creation, then id) of each of these instances that has one, with its disks: two statements
     * whatever the number of instances (a page of the console's instances), each instance's point found by its index.
     */
    List<PointRecord> newestOfInstances(java.util.Collection<String> instanceIds);

    /**
     * The ids of the instances that have points, in the order {@link #listAll()} first names them (the instance with
     * the newest point first): one statement, not a read of every point.
     */
    List<String> instanceIdsNewestFirst();

    /** The points of one region, newest first (a replica is in its destination's region). */
    List<PointRecord> listByRegion(String region);

    Optional<PointRecord> find(String id);

    /**
     * The points of these ids that exist, with their disks, in no set order: two statements for up to 500 ids (the
     * members of a page of group points), not one read per id.
     */
    List<PointRecord> find(java.util.Collection<String> ids);

    /** Deletes the row, its disks and its replication statuses; for a replica, its source's status of that replication. */
    boolean delete(String id);

    /** Removes every point row of a vault (used by a rebuild before re-adding from the manifests). */
    int deleteVault(String vault);
}
