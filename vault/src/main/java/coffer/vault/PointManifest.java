package coffer.vault;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A point: one instant of one or more disks, and what is needed to bring them back. The body of a
 * MANIFEST object (docs/format/manifest.md). A point exists exactly when its manifest exists; the
 * manifest is written last. Immutable.
 *
 * @param format      always {@code coffer-point}
 * @param version     manifest format version
 * @param id          point id, {@code yyyyMMdd-HHmmss-xxxxxxxx} (UTC), unique in the vault
 * @param name        what was backed up: an instance name, or the name given to an image backup
 * @param consistency {@code APPLICATION}, {@code FILESYSTEM} or {@code CRASH}
 * @param parent      the point whose indexes this one started from, or null for a first point
 * @param attributes  version 1 and 2: facts recorded by upper layers as a string map (e.g. the domain XML);
 *                    still read, no longer written (empty from version 3)
 * @param immutableUntil (version 2) the point may not be deleted before this instant ({@link Vault#FOREVER}: never);
 *                    null for a point that is not immutable. A {@code hold} object may extend it, never shorten it
 * @param facts       (version 3) the facts upper layers record (instance, domain XML, each disk's mode, the
 *                    consistency reason, retention, plan, group), a JSON object with its own {@code version}
 *                    (docs/format/manifest.md); the vault stores it and does not interpret it. Null when none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PointManifest(String format, int version, String id, String name, Instant createdAt,
                            String consistency, String parent, List<Disk> disks, List<SkippedDisk> skipped,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributes,
                            Instant immutableUntil, JsonNode facts) {
    public static final String FORMAT = "coffer-point";
    /** The version written and the newest read: 3 records upper layers' facts as the {@code facts} object. */
    public static final int VERSION = 3;

    public PointManifest {
        disks = List.copyOf(disks);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (facts != null && !facts.isObject()) {
            throw new IllegalArgumentException("point " + id + ": facts must be a JSON object, not " + facts.getNodeType());
        }
        facts = facts == null || facts.isEmpty() ? null : asRead(facts);
    }

    /**
     * The facts as a reader of the manifest sees them (a copy through their JSON text: a number is the node JSON
     * reads, an int where it fits), so a manifest read back equals the one written.
     */
    private static JsonNode asRead(JsonNode facts) {
        try {
            byte[] text = coffer.vault.format.Json.MAPPER.writeValueAsBytes(facts);
            // the same tree without Jackson's parser in the usual case (docs/performance.md, "Session 15")
            JsonNode read = coffer.vault.format.CanonicalJson.readTree(text);
            return read != null ? read : coffer.vault.format.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("facts that do not write as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * One disk of a point.
     *
     * @param name          the disk's name within the point (a target like {@code vda}, or a file name)
     * @param index         backend object name of the disk's fixed index
     * @param indexChecksum the index checksum, checked on every read of the index
     * @param dataChunks    chunks that are not all-zero
     * @param newChunks     chunks this point stored that the vault did not have
     * @param newStoredBytes stored (compressed, encrypted) bytes of those new chunks
     * @param readBytes     bytes read from the source to make this disk
     * @param source        where the disk was read from (path, export), for people
     * @param sourceFormat  {@code raw}, {@code qcow2}, …
     */
    public record Disk(String name, String index, long size, int chunkSize, String indexChecksum,
                       long dataChunks, long newChunks, long newStoredBytes, long readBytes,
                       String source, String sourceFormat) {
    }

    /** A disk that was not backed up, with the reason. */
    public record SkippedDisk(String name, String reason) {
    }

    public Disk disk(String diskName) throws DiskNotInPointException {
        for (Disk disk : disks) {
            if (disk.name().equals(diskName)) {
                return disk;
            }
        }
        throw new DiskNotInPointException("point " + id + " has no disk '" + diskName + "' (it has "
                + String.join(", ", disks.stream().map(Disk::name).toList()) + ")");
    }

    public long logicalBytes() {
        return disks.stream().mapToLong(Disk::size).sum();
    }
}
