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
     * One page of the protections (of the instances whose points go to one of {@code vaults} when given; empty: none),
     * by their instance's name then id, after {@code after} (a cursor on the instance's name and id).
     */
    NamePage<Protection> page(java.util.List<String> vaults, NameCursor after, int limit);

    Optional<Protection> find(String instanceId);
}
