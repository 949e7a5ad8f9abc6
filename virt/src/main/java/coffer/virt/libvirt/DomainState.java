package coffer.virt.libvirt;

/**
 * A domain's state, libvirt's {@code virDomainState} (the constants are in libvirt's order, so
 * {@code ordinal()} is libvirt's value).
 *
 * <p>Immutable; thread-safe.
 */
public enum DomainState {
    /** {@code VIR_DOMAIN_NOSTATE}: libvirt does not know. */
    NOSTATE,
    /** {@code VIR_DOMAIN_RUNNING}. A domain without an OS sitting in its firmware is running too. */
    RUNNING,
    /** {@code VIR_DOMAIN_BLOCKED}: blocked on a resource. */
    BLOCKED,
    /** {@code VIR_DOMAIN_PAUSED}: suspended by the user or by libvirt (e.g. during some jobs, an I/O error). */
    PAUSED,
    /** {@code VIR_DOMAIN_SHUTDOWN}: being shut down. */
    SHUTDOWN,
    /** {@code VIR_DOMAIN_SHUTOFF}: no QEMU process. */
    SHUTOFF,
    /** {@code VIR_DOMAIN_CRASHED}: the guest crashed and was kept (with {@code on_crash} preserve). */
    CRASHED,
    /** {@code VIR_DOMAIN_PMSUSPENDED}: suspended by guest power management. */
    PMSUSPENDED;

    private static final DomainState[] VALUES = values();

    /**
     * Whether a QEMU process exists for the domain, i.e. checkpoints and pull-mode backups are possible (they are
     * refused for shut-off domains): every state except {@link #SHUTOFF} and {@link #NOSTATE}.
     */
    public boolean active() {
        return this != SHUTOFF && this != NOSTATE;
    }

    /** The state for libvirt's value; values unknown to this version read as {@link #NOSTATE}. */
    static DomainState of(int value) {
        return value >= 0 && value < VALUES.length ? VALUES[value] : NOSTATE;
    }
}
