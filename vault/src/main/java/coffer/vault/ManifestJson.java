package coffer.vault;

import coffer.vault.format.CanonicalJson;
import coffer.vault.format.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static coffer.vault.format.CanonicalJson.giveUp;
import static coffer.vault.format.CanonicalJson.instant;
import static coffer.vault.format.CanonicalJson.int32;
import static coffer.vault.format.CanonicalJson.int64;
import static coffer.vault.format.CanonicalJson.text;

/**
 * A point manifest's body (docs/format/manifest.md) read as {@link CanonicalJson} reads: the form Coffer writes
 * without databind, anything else by databind, to the same {@link PointManifest} or the same error. Stateless.
 */
final class ManifestJson {
    private ManifestJson() {
    }

    /** The manifest in {@code body}; databind's exceptions for a document databind refuses. */
    static PointManifest read(byte[] body) throws IOException {
        return CanonicalJson.read(Json.MAPPER, body, PointManifest.class, ManifestJson::fromTree);
    }

    static PointManifest fromTree(JsonNode root) throws CanonicalJson.GiveUp {
        if (!root.isObject()) {
            throw giveUp();
        }
        JsonNode disks = CanonicalJson.array(root.get("disks"));
        if (disks == null) {
            throw giveUp(); // the constructor refuses it; databind says so as it always did
        }
        JsonNode facts = root.get("facts");
        if (facts != null && !facts.isObject()) {
            throw giveUp();
        }
        return new PointManifest(text(root.get("format")), int32(root.get("version")), text(root.get("id")),
                text(root.get("name")), instant(root.get("createdAt")), text(root.get("consistency")),
                text(root.get("parent")), disks(disks), skipped(CanonicalJson.array(root.get("skipped"))),
                attributes(CanonicalJson.object(root.get("attributes"))), instant(root.get("immutableUntil")), facts);
    }

    private static List<PointManifest.Disk> disks(JsonNode array) throws CanonicalJson.GiveUp {
        List<PointManifest.Disk> disks = new ArrayList<>();
        for (JsonNode d : array) {
            if (!d.isObject()) {
                throw giveUp();
            }
            disks.add(new PointManifest.Disk(text(d.get("name")), text(d.get("index")), int64(d.get("size")),
                    int32(d.get("chunkSize")), text(d.get("indexChecksum")), int64(d.get("dataChunks")),
                    int64(d.get("newChunks")), int64(d.get("newStoredBytes")), int64(d.get("readBytes")),
                    text(d.get("source")), text(d.get("sourceFormat"))));
        }
        return disks;
    }

    private static List<PointManifest.SkippedDisk> skipped(JsonNode array) throws CanonicalJson.GiveUp {
        if (array == null) {
            return null;
        }
        List<PointManifest.SkippedDisk> skipped = new ArrayList<>();
        for (JsonNode s : array) {
            if (!s.isObject()) {
                throw giveUp();
            }
            skipped.add(new PointManifest.SkippedDisk(text(s.get("name")), text(s.get("reason"))));
        }
        return skipped;
    }

    private static Map<String, String> attributes(JsonNode object) throws CanonicalJson.GiveUp {
        if (object == null) {
            return null;
        }
        Map<String, String> attributes = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!e.getValue().isTextual()) {
                throw giveUp(); // a null or another type: databind decides
            }
            attributes.put(e.getKey(), e.getValue().textValue());
        }
        return attributes;
    }
}
