package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.json.CofferJson;
import coffer.vault.PointManifest;
import coffer.vault.format.CanonicalJson;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts an instance point records beside its data, the typed and versioned {@code facts} section of the
 * manifest (docs/format/manifest.md): the instance, its definition, the checkpoint its next incremental starts
 * from, how each disk was read, why the consistency is lower than asked, when it expires, the plan that made
 * it, the group it belongs to, a person's note, and for a replica the point it was copied from. Every field but
 * {@code version} may be absent. Manifests of versions 1 and 2 held
 * the same facts as a string map (keys such as {@code disk.vda.mode}); {@link #of} reads both. Immutable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PointFacts(int version, Instance instance, String domainXml, String checkpoint, Map<String, Disk> disks,
                         Consistency consistency, Instant expires, Plan plan, Group group, String description,
                         Replica replica) {
    /** 2 added {@code description}, 3 {@code replica}; older facts read as they are. */
    public static final int VERSION = 3;
    public static final PointFacts NONE = new PointFacts(VERSION, null, null, null, null, null, null, null, null, null,
            null);

    /** Facts of version 1 (before {@code description} and {@code replica}). */
    public PointFacts(int version, Instance instance, String domainXml, String checkpoint, Map<String, Disk> disks,
                      Consistency consistency, Instant expires, Plan plan, Group group) {
        this(version, instance, domainXml, checkpoint, disks, consistency, expires, plan, group, null, null);
    }

    /**
     * A replica's source (docs/design/replication.md): the region, configured name and {@code vaultId} of the vault it
     * was copied from, and the point's id there. {@code version} is the replica facts' own version (1), kept from
     * the {@code replica.version} of manifests before version 3; {@code coffer.engine.replication.ReplicaFacts}
     * refuses a newer one.
     */
    public record Replica(int version, String region, String vault, String vaultId, String point) {
    }

    /** The domain: its UUID (the points of one instance share it), the libvirt URI, {@code running} or {@code shutoff}. */
    public record Instance(String uuid, String uri, String state) {
    }

    /** How a disk was read: {@code full} or {@code incremental}, why full, and its format in the domain. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Disk(String mode, String reason, String format) {
    }

    /** Why the consistency (the manifest's level) is lower than asked, and how long file systems were frozen. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Consistency(String reason, Long freezeMillis) {
    }

    /** The plan whose run made the point, its policy, and whether that policy makes points immutable. */
    public record Plan(String id, String policy, boolean immutable) {
    }

    /** The consistency group point this point belongs to. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Group(String id, String name, List<String> members, String mode, Instant instant, long pauseMillis,
                        Long freezeMillis) {
    }

    public PointFacts {
        disks = disks == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(disks));
        version = VERSION; // read from any version up to this one, the facts are this version's
    }

    /** The facts of a point, from its manifest's {@code facts} (version 3) or {@code attributes} (versions 1 and 2). */
    public static PointFacts of(PointManifest point) {
        if (point.facts() != null) {
            JsonNode version = point.facts().get("version");
            if (version == null || !version.canConvertToInt() || version.asInt() > VERSION) {
                throw new CofferException(ErrorCode.UnsupportedFormat, "point " + point.id() + ": point facts of version "
                        + version + "; this Coffer reads up to version " + VERSION);
            }
            PointFacts common = commonForm(point.facts());
            return common != null ? common : CofferJson.read(point.facts(), PointFacts.class);
        }
        return fromAttributes(point.attributes());
    }

    /**
     * The facts an instance backup writes (its version, instance, domain XML, checkpoint, disks, consistency, a note)
     * read straight from the tree, or null for any other form, which {@link CofferJson} then reads (and refuses) as it
     * always did: a field of another JSON type, a null in the disks' map, any other field. On a command's critical
     * path the record binding's first use cost ~25 ms, more than every later read (docs/performance.md, "Session 15").
     */
    static PointFacts commonForm(JsonNode facts) {
        if (!facts.path("version").isInt()) {
            return null;
        }
        Instance instance = null;
        String domainXml = null, checkpoint = null, description = null;
        Map<String, Disk> disks = null;
        Consistency consistency = null;
        for (Map.Entry<String, JsonNode> field : facts.properties()) {
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "version" -> {
                }
                case "instance" -> {
                    if (!value.isNull()) {
                        String[] v = texts(value, "uuid", "uri", "state");
                        if (v == null) {
                            return null;
                        }
                        instance = new Instance(v[0], v[1], v[2]);
                    }
                }
                case "domainXml", "checkpoint", "description" -> {
                    if (!value.isTextual() && !value.isNull()) {
                        return null;
                    }
                    String text = value.textValue();
                    switch (field.getKey()) {
                        case "domainXml" -> domainXml = text;
                        case "checkpoint" -> checkpoint = text;
                        default -> description = text;
                    }
                }
                case "disks" -> {
                    if (!value.isNull()) {
                        if (!value.isObject()) {
                            return null;
                        }
                        disks = new LinkedHashMap<>();
                        for (Map.Entry<String, JsonNode> disk : value.properties()) {
                            String[] v = texts(disk.getValue(), "mode", "reason", "format");
                            if (v == null) {
                                return null;
                            }
                            disks.put(disk.getKey(), new Disk(v[0], v[1], v[2]));
                        }
                    }
                }
                case "consistency" -> {
                    if (!value.isNull()) {
                        if (!value.isObject()) {
                            return null;
                        }
                        String reason = null;
                        Long freezeMillis = null;
                        for (Map.Entry<String, JsonNode> f : value.properties()) {
                            JsonNode v = f.getValue();
                            if (f.getKey().equals("reason") && (v.isTextual() || v.isNull())) {
                                reason = v.textValue();
                            } else if (f.getKey().equals("freezeMillis") && (v.isInt() || v.isLong() || v.isNull())) {
                                freezeMillis = v.isNull() ? null : v.longValue();
                            } else {
                                return null;
                            }
                        }
                        consistency = new Consistency(reason, freezeMillis);
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new PointFacts(VERSION, instance, domainXml, checkpoint, disks, consistency, null, null, null, description,
                null);
    }

    /** The text fields {@code names} of an object whose every field is one of them, a string or null; else null. */
    private static String[] texts(JsonNode object, String... names) {
        if (!object.isObject()) {
            return null;
        }
        String[] values = new String[names.length];
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            int i = Arrays.asList(names).indexOf(field.getKey());
            if (i < 0 || !field.getValue().isTextual() && !field.getValue().isNull()) {
                return null;
            }
            values[i] = field.getValue().textValue();
        }
        return values;
    }

    /**
     * The section to write into a manifest (as a reader of the manifest will see it: its JSON text read back); null
     * when there are no facts. Read back without Jackson's parser in the usual case: its first use cost a backup's
     * commit 15-40 ms of CPU (docs/performance.md, "Session 15").
     */
    public JsonNode json() {
        if (isNone()) {
            return null;
        }
        try {
            JsonNode read = CanonicalJson.readTree(CofferJson.MAPPER.writeValueAsBytes(this));
            return read != null ? read : CofferJson.tree(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return CofferJson.tree(this);
        }
    }

    /**
     * {@code equals(NONE)} written out: the record's implicit equality is linked at run time through
     * {@code java.lang.runtime.ObjectMethods} (about 8 generated LambdaForm classes for 11 components, which the
     * start-up cache does not keep; docs/performance.md, session 15), and every backup's commit asks this.
     */
    private boolean isNone() {
        return version == VERSION && instance == null && domainXml == null && checkpoint == null && disks == null
                && consistency == null && expires == null && plan == null && group == null && description == null
                && replica == null;
    }

    /** These facts with every field {@code more} gives (its disks added to these). */
    public PointFacts with(PointFacts more) {
        Map<String, Disk> allDisks = disks == null && more.disks == null ? null : new LinkedHashMap<>();
        if (disks != null) {
            allDisks.putAll(disks);
        }
        if (more.disks != null) {
            allDisks.putAll(more.disks);
        }
        return new PointFacts(VERSION, or(more.instance, instance), or(more.domainXml, domainXml),
                or(more.checkpoint, checkpoint), allDisks, or(more.consistency, consistency), or(more.expires, expires),
                or(more.plan, plan), or(more.group, group), or(more.description, description), or(more.replica, replica));
    }

    /**
     * The facts of a replica of this point: these less those of the source's own life (its expiry, the plan and
     * policy that keep it) and of an earlier replication, with the replica's expiry ({@code expires}, null: never)
     * and its source.
     */
    public PointFacts asReplica(Replica source, Instant expires) {
        return new PointFacts(VERSION, instance, domainXml, checkpoint, disks, consistency, expires, null, group,
                description, source);
    }

    public static PointFacts expiring(Instant at) {
        return new PointFacts(VERSION, null, null, null, null, null, at, null, null);
    }

    public static PointFacts ofPlan(String id, String policy, boolean immutable) {
        return new PointFacts(VERSION, null, null, null, null, null, null, new Plan(id, policy, immutable), null);
    }

    /** A person's note on the point; none when null. */
    public static PointFacts described(String description) {
        return new PointFacts(VERSION, null, null, null, null, null, null, null, null, description, null);
    }

    public static PointFacts ofGroup(Group group) {
        return new PointFacts(VERSION, null, null, null, null, null, null, null, group);
    }

    /** The instance's UUID, or null for a point of no instance (an image backup). */
    public String uuid() {
        return instance == null ? null : instance.uuid();
    }

    /** How the disk {@code target} was read; null when the point does not say. */
    public Disk disk(String target) {
        return disks == null ? null : disks.get(target);
    }

    private static <T> T or(T given, T current) {
        return given != null ? given : current;
    }

    /** Versions 1 and 2 of the manifest: the {@link AttributesV1} string map. */
    static PointFacts fromAttributes(Map<String, String> a) {
        if (a.isEmpty()) {
            return NONE;
        }
        Instance instance = a.containsKey(AttributesV1.UUID)
                ? new Instance(a.get(AttributesV1.UUID), a.get(AttributesV1.URI), a.get(AttributesV1.STATE)) : null;
        Map<String, Disk> disks = new LinkedHashMap<>();
        for (String key : a.keySet()) {
            if (key.startsWith("disk.") && key.endsWith(".format") || key.startsWith("disk.") && key.endsWith(".mode")) {
                String target = key.substring(5, key.lastIndexOf('.'));
                disks.putIfAbsent(target, new Disk(a.get(AttributesV1.mode(target)), a.get(AttributesV1.reason(target)),
                        a.get(AttributesV1.format(target))));
            }
        }
        String reason = a.get(AttributesV1.CONSISTENCY_REASON);
        String frozen = a.get(AttributesV1.FREEZE_MILLIS);
        Consistency consistency = reason == null && frozen == null ? null
                : new Consistency(reason, frozen == null ? null : Long.parseLong(frozen));
        Instant expires = parse(a.get(AttributesV1.EXPIRES));
        Plan plan = a.containsKey(AttributesV1.PLAN) && a.containsKey(AttributesV1.POLICY)
                ? new Plan(a.get(AttributesV1.PLAN), a.get(AttributesV1.POLICY),
                Boolean.parseBoolean(a.get(AttributesV1.POLICY_IMMUTABLE))) : null;
        Group group = null;
        if (a.containsKey(AttributesV1.GROUP_ID)) {
            String freeze = a.get(AttributesV1.GROUP_FREEZE_MILLIS);
            group = new Group(a.get(AttributesV1.GROUP_ID), a.get(AttributesV1.GROUP_NAME),
                    a.containsKey(AttributesV1.GROUP_MEMBERS) ? Arrays.asList(a.get(AttributesV1.GROUP_MEMBERS).split(",")) : List.of(),
                    a.get(AttributesV1.GROUP_MODE), parse(a.get(AttributesV1.GROUP_INSTANT)),
                    Long.parseLong(a.getOrDefault(AttributesV1.GROUP_PAUSE_MILLIS, "0")), freeze == null ? null : Long.parseLong(freeze));
        }
        Replica replica = null;
        if (a.containsKey(AttributesV1.REPLICA_VERSION)) {
            int version;
            try {
                version = Integer.parseInt(a.get(AttributesV1.REPLICA_VERSION));
            } catch (NumberFormatException e) {
                version = Integer.MAX_VALUE; // unreadable: newer than any reader knows
            }
            replica = new Replica(version, a.get(AttributesV1.REPLICA_REGION), a.get(AttributesV1.REPLICA_VAULT),
                    a.get(AttributesV1.REPLICA_VAULT_ID), a.get(AttributesV1.REPLICA_POINT));
        }
        return new PointFacts(VERSION, instance, a.get(AttributesV1.DOMAIN_XML), a.get(AttributesV1.CHECKPOINT),
                disks.isEmpty() ? null : disks, consistency, expires, plan, group, null, replica);
    }

    private static Instant parse(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
