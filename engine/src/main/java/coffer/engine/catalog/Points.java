package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The points index. */
public interface Points {
    /** Inserts or replaces the row (rebuild and backup both call it). */
    void upsert(PointRecord point);

    List<PointRecord> listByInstance(String instanceId);

    List<PointRecord> listAll();

    Optional<PointRecord> find(String id);

    boolean delete(String id);

    /** Removes every point row of a vault (used by a rebuild before re-adding from the manifests). */
    int deleteVault(String vault);
}
