package coffer.engine.instance;

/**
 * Keys of the facts an instance point records in its manifest's attributes (docs/format/manifest.md):
 * everything needed to rebuild the instance and to continue its change-tracking chain.
 */
public final class PointAttributes {
    /** The domain's UUID: points of one instance are those with its UUID. */
    public static final String UUID = "instance.uuid";
    public static final String URI = "instance.uri";
    /** {@code running} or {@code shutoff}: how the point was taken. */
    public static final String STATE = "instance.state";
    /** The persistent (inactive) domain XML, or the live XML of a transient domain. */
    public static final String DOMAIN_XML = "domain.xml";
    /** The libvirt checkpoint created with this point; the base of the next incremental. */
    public static final String CHECKPOINT = "checkpoint";
    /** When a point made for a clone stops being needed (ISO-8601). */
    public static final String EXPIRES = "expires";

    /** The plan whose run made the point (absent for a manual point); with {@link #POLICY}, for a catalog rebuild. */
    public static final String PLAN = "plan.id";
    /** The policy the point was made under (absent for a manual point). */
    public static final String POLICY = "policy.id";
    /** {@code true} when that policy made its points immutable until they expire. */
    public static final String POLICY_IMMUTABLE = "policy.immutable";

    /** {@code CRASH}, {@code FILESYSTEM} or {@code APPLICATION}; absent means CRASH (docs/format/manifest.md). */
    public static final String CONSISTENCY = "consistency";
    /** Why the point's consistency is lower than asked for (absent when as asked). */
    public static final String CONSISTENCY_REASON = "consistency.reason";
    /**
     * How long the guest's file systems were frozen, in milliseconds: from {@code guest-fsfreeze-freeze} sent to
     * {@code guest-fsfreeze-thaw} returned (absent when nothing was frozen).
     */
    public static final String FREEZE_MILLIS = "consistency.freezeMillis";

    private PointAttributes() {
    }

    /** {@code full} or {@code incremental}. */
    public static String mode(String disk) {
        return "disk." + disk + ".mode";
    }

    /** Why a disk was read in full although a previous point exists. */
    public static String reason(String disk) {
        return "disk." + disk + ".reason";
    }

    /** The disk's format ({@code qcow2}, {@code raw}) in the domain. */
    public static String format(String disk) {
        return "disk." + disk + ".format";
    }
}
