package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The points index. */
public interface Points {
    /** Inserts or replaces the row (rebuild and backup both call it). */
    void upsert(PointRecord point);

    List<PointRecord> listByInstance(String instanceId);

    List<PointRecord> listAll();

    /** Logical and stored bytes of every point row, summed in the catalog per vault, instance, disk and day. */
    PointTotals totals();

    /**
     * One page of the points {@code query} selects, newest first (by creation, then id), with their disks: after its
     * cursor (with the next page's), or at its offset (with how many matched in all).
     */
    Page<PointRecord> page(PointQuery query);

    /** The points of one region, newest first (a replica is in its destination's region). */
    List<PointRecord> listByRegion(String region);

    Optional<PointRecord> find(String id);

    /** Deletes the row, its disks and its replication statuses; for a replica, its source's status of that replication. */
    boolean delete(String id);

    /** Removes every point row of a vault (used by a rebuild before re-adding from the manifests). */
    int deleteVault(String vault);
}
