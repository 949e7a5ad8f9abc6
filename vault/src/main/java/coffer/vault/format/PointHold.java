package coffer.vault.format;

import java.time.Instant;

/**
 * The body of a HOLD object, {@code points/<point id>/hold} (docs/format/hold.md): the point may not be deleted,
 * nor its objects collected, before {@code immutableUntil}. Written when a point is committed immutable and
 * rewritten (later only) when its retention is extended; the manifest's own {@code immutableUntil} is the floor
 * a hold can never go below. Immutable.
 *
 * @param format         always {@code coffer-hold}
 * @param version        hold format version
 * @param pointId        the point held (a hold moved to another point's name is refused)
 * @param immutableUntil the end of the hold; {@code 9999-12-31T23:59:59Z} means for ever
 */
public record PointHold(String format, int version, String pointId, Instant immutableUntil) {
    public static final String FORMAT = "coffer-hold";
    public static final int VERSION = 1;

    public static PointHold of(String pointId, Instant until) {
        return new PointHold(FORMAT, VERSION, pointId, until);
    }
}
