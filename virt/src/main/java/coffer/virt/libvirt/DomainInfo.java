package coffer.virt.libvirt;

import java.util.Objects;

/**
 * What {@link Libvirt} reports about a domain when asked: its name, UUID (lower-case, with dashes), state and
 * whether it is persistent (defined) rather than transient. A snapshot: the domain may change right after.
 *
 * <p>Immutable; thread-safe.
 */
public record DomainInfo(String name, String uuid, DomainState state, boolean persistent) {
    public DomainInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(state, "state");
    }

    /** {@link DomainState#active()} of {@link #state()}. */
    public boolean active() {
        return state.active();
    }
}
