package coffer.virt.libvirt;

import java.util.Map;
import java.util.Objects;

/**
 * The job a domain runs, from {@code virDomainGetJobStats}: its {@code virDomainJobType} ({@link #BOUNDED},
 * {@link #UNBOUNDED}; a pull-mode backup is unbounded), its {@code virDomainJobOperation} (the
 * {@code operation} field; {@link #OPERATION_BACKUP} for {@code virDomainBackupBegin}) and every typed field
 * libvirt returned, e.g. {@code time_elapsed} (ms), {@code disk_temp_used} and {@code disk_temp_total} (bytes of
 * the backup's scratch files). Field values are {@link Integer}, {@link Long}, {@link Double}, {@link Boolean}
 * or {@link String}.
 *
 * <p>Immutable; thread-safe.
 */
public record JobInfo(int type, int operation, Map<String, Object> fields) {
    /** {@code VIR_DOMAIN_JOB_BOUNDED}: a job with a finite completion time. */
    public static final int BOUNDED = 1;
    /** {@code VIR_DOMAIN_JOB_UNBOUNDED}: a job without a finite completion time, e.g. a pull-mode backup. */
    public static final int UNBOUNDED = 2;
    /** {@code VIR_DOMAIN_JOB_OPERATION_BACKUP}: the job was started by {@code virDomainBackupBegin}. */
    public static final int OPERATION_BACKUP = 9;

    public JobInfo {
        fields = Map.copyOf(Objects.requireNonNull(fields, "fields"));
    }

    /** Whether this is a backup job ({@code virDomainBackupBegin}). */
    public boolean isBackup() {
        return operation == OPERATION_BACKUP;
    }

    /** A numeric field as a {@code long}, or {@code fallback} when the field is absent or not a number. */
    public long longField(String name, long fallback) {
        return fields.get(name) instanceof Number number ? number.longValue() : fallback;
    }
}
