package coffer.vault;

import coffer.vault.format.Json;
import coffer.vault.format.ObjectKind;

import java.io.IOException;
import java.time.Instant;

/**
 * The object {@code points/<id>/unfinished} (docs/format/unfinished.md): present while a point is being
 * written or deleted, so that objects of a point without a manifest tell which case they are. Beside it they
 * are the leftovers of an unfinished point (gc removes them after its grace period); without it they are
 * what remains of a point whose manifest was lost, which {@code vault verify} reports.
 *
 * <p>A writer publishes it before its first chunk and removes it after the manifest's barrier; a delete
 * publishes it (and a barrier) before removing the manifest and removes it last.
 *
 * @param format    always {@code coffer-unfinished}
 * @param version   marker format version
 * @param operation {@code write} or {@code delete}
 * @param host      the host of the process doing it, for people
 * @param pid       that process, for people
 * @param createdAt when it began
 *
 * <p>Immutable.
 */
public record UnfinishedMarker(String format, int version, String operation, String host, long pid, Instant createdAt) {
    public static final String FORMAT = "coffer-unfinished";
    public static final int VERSION = 1;
    public static final String NAME = "unfinished";

    /** The marker's object name for point {@code pointId}. */
    public static String objectName(String pointId) {
        return Vault.POINTS + pointId + "/" + NAME;
    }

    public static UnfinishedMarker of(String operation) {
        return new UnfinishedMarker(FORMAT, VERSION, operation, HostName.get(), ProcessHandle.current().pid(),
                Instant.now());
    }

    /** Publishes this marker for {@code pointId} (no barrier: the caller's next one makes it durable). */
    public void put(Vault vault, String pointId) throws IOException {
        String name = objectName(pointId);
        byte[] body = Json.MAPPER.writeValueAsBytes(this);
        vault.backend().put(name, vault.codec().seal(ObjectKind.MARKER, name, body, body.length, false));
    }
}
