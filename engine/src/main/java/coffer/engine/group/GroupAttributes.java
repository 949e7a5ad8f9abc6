package coffer.engine.group;

/**
 * Keys of the group facts every member point of a group point records in its manifest's attributes
 * (beside {@code coffer.engine.instance.PointAttributes}). Identical on every member.
 */
public final class GroupAttributes {
    /** The group point's id (a UUID): the member points of one group backup share it. */
    public static final String ID = "group.id";
    /** The group's name as the user gave it. */
    public static final String NAME = "group.name";
    /** The members' instance names, comma-separated, in the order given. */
    public static final String MEMBERS = "group.members";
    /** {@code crash} or {@code application}: what the group backup was asked for. */
    public static final String MODE = "group.mode";
    /** When the common instant was taken (ISO-8601): the moment every member was paused. */
    public static final String INSTANT = "group.instant";
    /**
     * How long the group's domains were paused, in milliseconds: from the first {@code virDomainSuspend} sent
     * to the last {@code virDomainResume} returned (0 when no member was running).
     */
    public static final String PAUSE_MILLIS = "group.pauseMillis";
    /**
     * Application mode: how long guest file systems of the group could block writes, in milliseconds: from the
     * first {@code guest-fsfreeze-freeze} sent to the last thaw returned (absent in crash mode).
     */
    public static final String FREEZE_MILLIS = "group.freezeMillis";

    private GroupAttributes() {
    }
}
