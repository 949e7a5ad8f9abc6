package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group commands through a server (a server configured and no {@code --vault}): the group is the
 * server's ({@code coffer group create}), backups, clones and restores are jobs followed with {@code --wait}.
 */
final class GroupViaServer {
    private GroupViaServer() {
    }

    static int backup(ApiClient client, CommonOptions common, String group, AppConsistencyOptions consistency,
                      Integer retentionDays, String vault, boolean wait) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("appConsistent", consistency.json());
        if (retentionDays != null) {
            body.put("retentionDays", retentionDays);
        }
        if (vault != null) {
            body.put("vault", vault);
        }
        JsonNode job = client.post("/api/v1/groups/" + ApiClient.segment(group) + "/backups", body);
        return JobWait.follow(client, job, wait, common, "group backup");
    }

    static int clone(ApiClient client, CommonOptions common, String group, AppConsistencyOptions consistency,
                     String suffix, String vault, boolean wait) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("suffix", suffix);
        body.put("appConsistent", consistency.json());
        if (vault != null) {
            body.put("vault", vault);
        }
        JsonNode job = client.post("/api/v1/groups/" + ApiClient.segment(group) + "/clone", body);
        return JobWait.follow(client, job, wait, common, "group clone");
    }

    static int restore(ApiClient client, CommonOptions common, String groupPoint, String suffix, boolean inPlace,
                       boolean start, boolean wait) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (suffix != null) {
            body.put("suffix", suffix);
        }
        body.put("inPlace", inPlace);
        body.put("start", start);
        JsonNode job = client.post("/api/v1/group-points/" + ApiClient.segment(groupPoint) + "/restore", body);
        return JobWait.follow(client, job, wait, common, "group restore");
    }

    /** The group points of {@code group}, or of every group when null. */
    static int points(ApiClient client, CommonOptions common, String group) {
        List<String> groups = group != null ? List.of(group)
                : client.get("/api/v1/groups").path("groups").findValuesAsText("name");
        List<JsonNode> points = new java.util.ArrayList<>();
        for (String g : groups) {
            client.get("/api/v1/groups/" + ApiClient.segment(g) + "/points").path("points").forEach(points::add);
        }
        if (common.json()) {
            Cli.out().json(points);
            return 0;
        }
        for (JsonNode p : points) {
            Cli.out().line("%s  %s  %s  %s, paused %d ms%s%s", p.path("id").asText(), p.path("groupName").asText(),
                    p.path("instant").asText(), p.path("mode").asText(), p.path("pauseMillis").asLong(),
                    p.path("freezeMillis").isNull() ? "" : ", frozen " + p.path("freezeMillis").asLong() + " ms",
                    p.path("complete").asBoolean() ? "" : "  INCOMPLETE");
            for (JsonNode m : p.path("members")) {
                Cli.out().line("  %-24s point %s  %s", m.path("instanceName").asText(m.path("instance").asText()),
                        m.path("point").asText(), m.path("consistency").asText("missing"));
            }
        }
        return 0;
    }

    /** Refuses options the server does not take, naming them. */
    static void refuse(boolean given, String option) {
        if (given) {
            throw new CofferException(ErrorCode.InvalidArgument, option + " is for offline group commands (--vault);"
                    + " with a server " + (option.equals("--instances")
                    ? "the group's members are the server's group (coffer group create NAME --instances ...)"
                    : "new disk files go beside the originals"));
        }
    }
}
