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
 * @param boot      that process's boot id ({@link BootId}; since version 2): a marker of another boot is never judged
 *                  by its pid here; null in a version 1 marker
 * @param machine   that process's machine id ({@link MachineId}; since session 23, still version 2): a marker of an
 *                  earlier boot of this machine is of a process that is gone ({@link #ofAnEarlierBootOfThisMachine});
 *                  null before, or where the machine has none
 *
 * <p>Immutable.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record UnfinishedMarker(String format, int version, String operation, String host, long pid, Instant createdAt,
                               String boot, String machine) {
    public static final String FORMAT = "coffer-unfinished";
    public static final int VERSION = 2;
    public static final String NAME = "unfinished";

    /** The marker's object name for point {@code pointId}. */
    public static String objectName(String pointId) {
        return Vault.POINTS + pointId + "/" + NAME;
    }

    /** A marker as version 1 wrote it (no boot). */
    public UnfinishedMarker(String format, int version, String operation, String host, long pid, Instant createdAt) {
        this(format, version, operation, host, pid, createdAt, null);
    }

    /** A marker as session 22 wrote it (no machine id). */
    public UnfinishedMarker(String format, int version, String operation, String host, long pid, Instant createdAt,
                            String boot) {
        this(format, version, operation, host, pid, createdAt, boot, null);
    }

    public static UnfinishedMarker of(String operation) {
        EarlierBoots.rememberThisBoot();
        return new UnfinishedMarker(FORMAT, VERSION, operation, HostName.get(), ProcessHandle.current().pid(),
                Instant.now(), BootId.get(), MachineId.get());
    }

    /**
     * Whether it was written by this machine in an earlier boot ({@link BootId#earlierBootOfThisMachine}): its process
     * is gone whatever its pid.
     */
    public boolean ofAnEarlierBootOfThisMachine() {
        return HostName.get().equals(host) && BootId.earlierBootOfThisMachine(boot, machine);
    }

    /**
     * Whether it was written by a process of this host and boot (a version 1 marker: of this host name), whose pid
     * then says whether it still runs; one of another machine of the same host name is not.
     */
    public boolean ofThisBoot() {
        return HostName.get().equals(host) && BootId.sameBoot(boot);
    }

    /** Publishes this marker for {@code pointId} (no barrier: the caller's next one makes it durable). */
    public void put(Vault vault, String pointId) throws IOException {
        String name = objectName(pointId);
        byte[] body = Json.MAPPER.writeValueAsBytes(this);
        vault.backend().put(name, vault.codec().seal(ObjectKind.MARKER, name, body, body.length, false));
    }
}
