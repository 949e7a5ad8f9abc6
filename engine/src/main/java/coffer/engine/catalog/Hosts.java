package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The libvirt hosts. */
public interface Hosts {
    /** Adds the host, or returns the existing one with that URI. */
    Host ensure(String id, String uri);

    List<Host> list();

    Optional<Host> find(String id);
}
