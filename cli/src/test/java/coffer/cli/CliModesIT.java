package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command that exists both offline and through a server, run both ways on the same data (the server's
 * vault, opened offline with its key ring, and the server's catalog rebuilt from it), with their JSON compared:
 * the same records, so the same field names and envelope everywhere, and the same values where the data is the
 * same. The fields that name where a thing lives differ by nature and are the only ones left out of the value
 * comparison: {@link #WHERE}.
 */
class CliModesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A server's vault name vs the vault's path offline; the job that made a point (none offline); a server's
     * host id vs the libvirt URI; when the catalog last saw an instance; a catalog group's id vs its name offline.
     */
    static final Set<String> WHERE = Set.of("vault", "job", "host", "refreshedAt", "group");

    @TempDir Path dir;
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();
    String url;
    Path tokenFile;
    Path vault;
    Path keyring;

    @Test
    void everyCommandOfBothModesGivesTheSameJsonOnTheSameData() throws Exception {
        String domain = resources.domain(dir, "coffer-modes-", "--size-mb", "16");
        TestDatabase db = resources.closeLater(TestDatabase.sqlite(dir));
        ServerConfig config = ServerCliIT.config(dir.resolve("data"), db);
        CofferServer server = CofferServer.start(config);
        resources.closeLater(server);
        url = server.url();
        tokenFile = config.adminTokenFile();
        vault = config.vaults().getFirst().path();
        keyring = config.vaults().getFirst().keyring();

        // long operations: the same result records, one point each way into the same vault
        server("protection", "add", domain);
        JsonNode backupServer = server("backup", domain, "--wait", "--description", "the worked example");
        JsonNode backupOffline = offline("backup", domain, "--description", "the worked example");
        assertEquals("the worked example", backupServer.path("description").asText(), backupServer.toString());
        sameShape("backup", backupServer, backupOffline);
        sameValues("backup", backupServer, backupOffline, "point", "createdAt", "disks", "logicalBytes");
        assertEquals(backupServer.path("disks").get(0).path("target"), backupOffline.path("disks").get(0).path("target"));

        server("group", "create", "modes", "--instances", domain);
        JsonNode groupServer = server("group", "backup", "modes", "--wait");
        JsonNode groupOffline = offline("group", "backup", "modes", "--instances", domain);
        sameShape("group backup", groupServer, groupOffline);
        sameValues("group backup", groupServer, groupOffline, "groupPoint", "instant", "pauseMillis", "members");

        // the server's catalog learns the offline points from the vault: from now on the data is the same
        server("catalog", "rebuild");
        compare("point list", List.of("point", "list"));
        compare("point list of one instance", List.of("point", "list", "--name", domain));
        String point = backupServer.path("point").asText();
        compare("point show by id", List.of("point", "show", point));
        assertEquals("the worked example", server("point", "show", point).path("description").asText());
        compare("point show by prefix", List.of("point", "show", uniquePrefix(point, server("point", "list"))));
        compare("point show by instance name", List.of("point", "show", domain));
        compare("group points", List.of("group", "points", "modes"));
        // the instance list: protections are a server's, and the allocation is measured live offline but when the
        // catalog last refreshed through the server (a backup adds bitmaps to a qcow2 file meanwhile)
        JsonNode instanceServer = only(server("instance", "list"), domain);
        JsonNode instanceOffline = only(offlineConnect("instance", "list"), domain);
        for (JsonNode i : List.of(instanceServer, instanceOffline)) {
            ((ObjectNode) i).remove(List.of("protected", "protection"));
            i.path("disks").forEach(d -> ((ObjectNode) d).remove("allocatedSize"));
        }
        sameShape("instance list", instanceServer, instanceOffline);
        assertEquals(without(instanceServer), without(instanceOffline), "instance list: the same domain");

        // restores and clones, each way, from the same point: the same records
        String offlinePoint = backupOffline.path("point").asText();
        JsonNode diskServer = server("restore", "disk", point, "vda", "--to", dir.resolve("s-vda.raw").toString(),
                "--format", "raw", "--wait");
        JsonNode diskOffline = offline("restore", "disk", point, "vda", "--to", dir.resolve("o-vda.raw").toString(),
                "--format", "raw");
        sameShape("restore disk", diskServer, diskOffline);
        sameValues("restore disk", diskServer, diskOffline, "file");
        resources.removedLater(domain + "-s");
        resources.removedLater(domain + "-o");
        JsonNode restoredServer = server("restore", "instance", point, "--name", domain + "-s", "--wait");
        JsonNode restoredOffline = offline("restore", "instance", point, "--name", domain + "-o");
        sameShape("restore instance", restoredServer, restoredOffline);
        sameValues("restore instance", restoredServer, restoredOffline, "name", "disks");
        resources.removedLater(domain + "-cs");
        resources.removedLater(domain + "-co");
        JsonNode cloneServer = server("clone", domain, "--name", domain + "-cs", "--wait");
        JsonNode cloneOffline = offline("clone", domain, "--name", domain + "-co");
        sameShape("clone", cloneServer, cloneOffline);
        String groupPoint = groupServer.path("groupPoint").asText();
        resources.removedLater(domain + "-gs");
        resources.removedLater(domain + "-go");
        JsonNode groupRestoreServer = server("group", "restore", groupPoint, "--suffix", "-gs", "--wait");
        JsonNode groupRestoreOffline = offline("group", "restore", groupPoint, "--suffix", "-go");
        sameShape("group restore", groupRestoreServer, groupRestoreOffline);
        resources.removedLater(domain + "-gcs");
        resources.removedLater(domain + "-gco");
        JsonNode groupCloneServer = server("group", "clone", "modes", "--suffix", "-gcs", "--wait");
        JsonNode groupCloneOffline = offline("group", "clone", "modes", "--instances", domain, "--suffix", "-gco");
        sameShape("group clone", groupCloneServer, groupCloneOffline);

        // deletes: the same answer
        JsonNode deletedServer = server("point", "delete", offlinePoint);
        JsonNode deletedOffline = offline("point", "delete", point);
        sameShape("point delete", deletedServer, deletedOffline);
    }

    /** Runs the command both ways and asserts the same JSON but for {@link #WHERE}. */
    private void compare(String what, List<String> command) throws Exception {
        JsonNode viaServer = server(command.toArray(String[]::new));
        JsonNode viaVault = offline(command.toArray(String[]::new));
        sameShape(what, viaServer, viaVault);
        assertEquals(without(viaServer), without(viaVault), what + ": the same values");
    }

    private JsonNode server(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--output", "json"));
        return JSON.readTree(CliRun.through(url, tokenFile, all.toArray(String[]::new)).ok().out());
    }

    private JsonNode offline(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--output", "json", "--vault", vault.toString()));
        return JSON.readTree(CliRun.run(keyring, all.toArray(String[]::new)).ok().out());
    }

    private JsonNode offlineConnect(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--output", "json", "--connect", "qemu:///system"));
        return JSON.readTree(CliRun.run(keyring, all.toArray(String[]::new)).ok().out());
    }

    /**
     * The shortest prefix of {@code point}, past its date and time, that no other listed point id starts with (points
     * made in the same second share 16 characters, and may share more).
     */
    private static String uniquePrefix(String point, JsonNode list) {
        List<String> others = new ArrayList<>();
        list.path("points").forEach(p -> others.add(p.path("id").asText()));
        others.remove(point);
        for (int length = 17; length < point.length(); length++) {
            String prefix = point.substring(0, length);
            if (others.stream().noneMatch(o -> o.startsWith(prefix))) {
                return prefix;
            }
        }
        return point;
    }

    /** The instance list's entry of this domain (other domains of the host come and go meanwhile). */
    private static JsonNode only(JsonNode instances, String domain) {
        for (JsonNode i : instances.path("instances")) {
            if (i.path("name").asText().equals(domain)) {
                return i.deepCopy();
            }
        }
        throw new AssertionError("no " + domain + " in " + instances);
    }

    /** The same field names at every level (arrays: of each element pair). */
    static void sameShape(String what, JsonNode a, JsonNode b) {
        assertEquals(shape(a, ""), shape(b, ""), what + ": the same fields");
    }

    private static Set<String> shape(JsonNode node, String path) {
        Set<String> fields = new TreeSet<>();
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                fields.add(path + name);
                fields.addAll(shape(node.get(name), path + name + "."));
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                fields.addAll(shape(element, path + "[]."));
            }
        }
        return fields;
    }

    /** The same values, except {@link #WHERE} and the fields named (they differ between two runs of an operation). */
    private static void sameValues(String what, JsonNode a, JsonNode b, String... differing) {
        JsonNode x = without(a);
        JsonNode y = without(b);
        for (String field : differing) {
            ((ObjectNode) x).remove(field);
            ((ObjectNode) y).remove(field);
        }
        assertEquals(x, y, what + ": the same values");
    }

    private static JsonNode without(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(WHERE);
            object.forEach(CliModesIT::strip);
        } else if (node.isArray()) {
            node.forEach(CliModesIT::strip);
        }
    }
}
