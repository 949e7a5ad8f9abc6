package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The protected list. */
public interface Protections {
    /** Adds or replaces the instances' protections in one transaction. */
    void protect(List<Protection> protections);

    /** Stop protection: the instance leaves the list; its points stay. Returns false if it was not protected. */
    boolean remove(String instanceId);

    List<Protection> list();

    /**
     * One page of the protections (of {@code region} when given: its {@code protections.region} column), by their
     * instance's name then id, after {@code after} (a cursor on the instance's name and id).
     */
    NamePage<Protection> page(String region, NameCursor after, int limit);

    /** The protections of {@code region} (its {@code protections.region} column). */
    List<Protection> list(String region);

    /**
     * Writes {@code region} into the protections of vault {@code vault} that name another (a server's start, for
     * each configured vault: rows written before V15, or a vault moved to another region); returns how many.
     */
    int place(String vault, String region);

    Optional<Protection> find(String instanceId);

    /** The protections of these instances (those protected), in one statement. */
    List<Protection> ofInstances(java.util.Collection<String> instanceIds);
}
