package coffer.engine.instance;

/**
 * The keys under which manifest versions 1 and 2 recorded a point's facts, as a string map (docs/format/manifest.md,
 * "Versions 1 and 2: attributes", and its replica keys): read by {@link PointFacts#of}, never written any more.
 */
final class AttributesV1 {
    static final String UUID = "instance.uuid";
    static final String URI = "instance.uri";
    static final String STATE = "instance.state";
    static final String DOMAIN_XML = "domain.xml";
    static final String CHECKPOINT = "checkpoint";
    static final String EXPIRES = "expires";
    static final String PLAN = "plan.id";
    static final String POLICY = "policy.id";
    static final String POLICY_IMMUTABLE = "policy.immutable";
    static final String CONSISTENCY_REASON = "consistency.reason";
    static final String FREEZE_MILLIS = "consistency.freezeMillis";
    static final String GROUP_ID = "group.id";
    static final String GROUP_NAME = "group.name";
    static final String GROUP_MEMBERS = "group.members";
    static final String GROUP_MODE = "group.mode";
    static final String GROUP_INSTANT = "group.instant";
    static final String GROUP_PAUSE_MILLIS = "group.pauseMillis";
    static final String GROUP_FREEZE_MILLIS = "group.freezeMillis";
    static final String REPLICA_VERSION = "replica.version";
    static final String REPLICA_REGION = "replica.region";
    static final String REPLICA_VAULT = "replica.vault";
    static final String REPLICA_VAULT_ID = "replica.vaultId";
    static final String REPLICA_POINT = "replica.point";

    private AttributesV1() {
    }

    static String mode(String disk) {
        return "disk." + disk + ".mode";
    }

    static String reason(String disk) {
        return "disk." + disk + ".reason";
    }

    static String format(String disk) {
        return "disk." + disk + ".format";
    }
}
