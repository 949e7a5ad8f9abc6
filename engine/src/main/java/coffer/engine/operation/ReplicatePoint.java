package coffer.engine.operation;

import coffer.engine.error.ErrorCode;
import coffer.engine.error.Problems;
import coffer.engine.job.JobType;

/**
 * Replicate a point to a vault of another region (docs/design/replication.md): only the chunks the destination lacks
 * are copied, re-encrypted for it and checked on arrival; the replica is a point of the destination vault, published
 * whole or not at all.
 *
 * @param point         the point: id, unique id prefix, or instance name (its newest point); its id once submitted
 * @param region        the destination region; null: the region of {@code vault}
 * @param vault         the destination vault; null: the region's default vault (its first)
 * @param retentionDays the replica expires this many days after the point was taken (1 to 65,536); null: when the
 *                      point itself expires (never, for a point without expiry)
 * @param policy        set by the server for a policy's replication (the rule's retention, encryption and
 *                      immutability apply), never by a person
 */
public record ReplicatePoint(String point, String region, String vault, Integer retentionDays, String policy)
        implements JobOperation<ReplicateResult> {
    public ReplicatePoint {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        if (region == null && vault == null) {
            problems.add(ErrorCode.NoDestinationRegion, "region", "no destination region is specified (give a region,"
                    + " a vault, or both)");
        }
        Rules.name(problems, "region", region, "a region: ");
        Rules.name(problems, "vault", vault, "a vault name: ");
        Rules.days(problems, "retentionDays", retentionDays);
        problems.throwIfAny("replicate request");
    }

    /**
     * A person's replication of {@code point} to {@code destination}: {@code REGION}, {@code REGION/VAULT} or
     * {@code /VAULT} (the vault's own region).
     */
    public static ReplicatePoint to(String point, String destination, Integer retentionDays) {
        Destination d = Destination.parse("to", destination);
        return new ReplicatePoint(point, d.region(), d.vault(), retentionDays, null);
    }

    /** The same replication of the resolved point to the resolved destination. */
    public ReplicatePoint resolved(String pointId, String regionName, String vaultName) {
        return new ReplicatePoint(pointId, regionName, vaultName, retentionDays, policy);
    }

    @Override
    public JobType type() {
        return JobType.replicate;
    }

    @Override
    public String target() {
        return point;
    }

    /**
     * Where a replica goes, as a person writes it: {@code REGION}, {@code REGION/VAULT} or {@code /VAULT}; either part
     * may be null, not both.
     */
    public record Destination(String region, String vault) {
        public static Destination parse(String field, String text) {
            if (text == null || text.isBlank()) {
                throw Problems.invalid(field, "a destination is REGION, REGION/VAULT or /VAULT, got nothing");
            }
            int slash = text.indexOf('/');
            String region = slash < 0 ? text : text.substring(0, slash);
            String vault = slash < 0 ? null : text.substring(slash + 1);
            if ((slash >= 0 && (vault.isEmpty() || vault.contains("/"))) || (slash == 0 && vault.isEmpty())) {
                throw Problems.invalid(field, "a destination is REGION, REGION/VAULT or /VAULT, got '" + text + "'");
            }
            return new Destination(region.isEmpty() ? null : region, vault);
        }

        @Override
        public String toString() {
            return (region == null ? "" : region) + (vault == null ? "" : "/" + vault);
        }
    }
}
