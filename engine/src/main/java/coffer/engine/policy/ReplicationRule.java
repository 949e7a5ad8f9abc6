package coffer.engine.policy;

import coffer.engine.error.Problems;
import coffer.engine.error.ErrorCode;

import java.util.regex.Pattern;

/**
 * Copy each point to a vault in another region, kept there for the rule's own retention, encrypted as
 * {@link Encryption}. When {@code enabled} is false the other fields may be null and are not checked.
 * (Stored and validated now; replication itself is a later issue.)
 */
public record ReplicationRule(boolean enabled, String destinationRegion, String destinationVault,
                              RetentionPeriod retention, Encryption encryption) {
    /** Region and vault names: a letter or digit, then letters, digits, '.', '_' or '-'; 1 to 64 chars. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Key ids of Coffer's key service: 1 to 128 chars of letters, digits and {@code . _ : / -}. */
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

    public static final ReplicationRule OFF = new ReplicationRule(false, null, null, null, null);

    /**
     * The seed's "Replication Encryption Configuration": {@link Auto} (encrypt at the destination with
     * the destination vault's default key when the source is encrypted) or {@link AssignedKey} (always
     * encrypt with that key of the destination; it cannot be changed later).
     */
    public sealed interface Encryption {
        record Auto() implements Encryption {
        }

        record AssignedKey(String keyId) implements Encryption {
        }
    }

    public static ReplicationRule to(String region, String vault, RetentionPeriod retention, Encryption encryption) {
        return new ReplicationRule(true, region, vault, retention, encryption);
    }

    public void check(String field, Problems problems) {
        if (!enabled) {
            return;
        }
        if (destinationRegion == null || destinationRegion.isBlank()) {
            problems.add(ErrorCode.NoDestinationRegion, field + ".destinationRegion",
                    "replication is on but no destination region is specified");
        } else {
            name(field + ".destinationRegion", destinationRegion, problems);
        }
        if (destinationVault == null || destinationVault.isBlank()) {
            problems.add(field + ".destinationVault", "replication is on but no destination vault is specified");
        } else {
            name(field + ".destinationVault", destinationVault, problems);
        }
        if (retention == null) {
            problems.add(field + ".retention", "replication is on but its retention is not set");
        } else {
            retention.check(field + ".retention", problems);
        }
        switch (encryption) {
            case null -> problems.add(field + ".encryption", "choose AUTO or an assigned key id");
            case Encryption.AssignedKey(String keyId) when keyId == null || !KEY_ID.matcher(keyId).matches() ->
                    problems.add(field + ".encryption.keyId", "'" + keyId + "' is not a key id (1 to 128 letters, "
                            + "digits or . _ : / -)");
            default -> {
            }
        }
    }

    private static void name(String field, String value, Problems problems) {
        if (!NAME.matcher(value).matches()) {
            problems.add(field, "'" + value + "' is not a name (1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit)");
        }
    }
}
