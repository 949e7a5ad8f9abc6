package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The points index. */
public interface Points {
    /** Inserts or replaces the row (rebuild and backup both call it). */
    void upsert(PointRecord point);

    List<PointRecord> listByInstance(String instanceId);

    List<PointRecord> listAll();

    /** A page of points, newest first, and how many matched in all. */
    record Page(List<PointRecord> points, int total) {
    }

    /**
     * The points matching every filter given (null: not filtering): of one instance (its UUID), of one consistency,
     * taken at or after {@code since} and before {@code until}; newest first, {@code limit} of them (null: all) from
     * {@code offset}.
     */
    Page page(String instanceId, String consistency, java.time.Instant since, java.time.Instant until, Integer limit,
              int offset);

    /** The points of one region, newest first (a replica is in its destination's region). */
    List<PointRecord> listByRegion(String region);

    Optional<PointRecord> find(String id);

    /** Deletes the row, its disks and its replication statuses. */
    boolean delete(String id);

    /** Removes every point row of a vault (used by a rebuild before re-adding from the manifests). */
    int deleteVault(String vault);
}
