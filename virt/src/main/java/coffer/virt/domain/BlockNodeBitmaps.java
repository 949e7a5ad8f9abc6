package coffer.virt.domain;

import coffer.vault.format.CanonicalJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The dirty bitmaps a running QEMU holds, from QMP {@code query-named-block-nodes}: per image file, the names
 * of the bitmaps that are not marked {@code inconsistent}. A bitmap libvirt lists as a checkpoint but QEMU
 * does not have (after a restart without persistent bitmaps, a crash, a metadata-only delete) is what
 * breaks incremental chains; this is the fact that detects it.
 *
 * <p>Stateless; thread-safe.
 */
public final class BlockNodeBitmaps {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BlockNodeBitmaps() {
    }

    /** Image file path → consistent bitmap names. */
    public static Map<String, Set<String>> parse(String queryNamedBlockNodesReply) throws DomainDefinitionException {
        JsonNode root;
        try {
            // QEMU's reply in plain JSON reads without Jackson's parser, whose first use costs the backup's plan
            // 15-40 ms of CPU (docs/performance.md, "Session 15"); anything else as before
            root = queryNamedBlockNodesReply == null ? null
                    : CanonicalJson.readTree(queryNamedBlockNodesReply.getBytes(StandardCharsets.UTF_8));
            if (root == null) {
                root = JSON.readTree(queryNamedBlockNodesReply);
            }
        } catch (java.io.IOException e) {
            throw new DomainDefinitionException("unreadable QMP reply: " + e.getMessage(), e);
        }
        JsonNode nodes = root.has("return") ? root.get("return") : root;
        Map<String, Set<String>> result = new HashMap<>();
        for (JsonNode node : nodes) {
            String file = node.path("file").asText("");
            if (file.isEmpty()) {
                continue;
            }
            Set<String> names = result.computeIfAbsent(file, f -> new HashSet<>());
            for (JsonNode bitmap : node.path("dirty-bitmaps")) {
                if (!bitmap.path("inconsistent").asBoolean(false) && bitmap.path("name").isTextual()) {
                    names.add(bitmap.path("name").asText());
                }
            }
        }
        return result;
    }
}
