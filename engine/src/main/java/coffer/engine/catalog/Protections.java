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

    Optional<Protection> find(String instanceId);
}
