package coffer.app.campaign;

import coffer.testing.TestData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A vault under the campaign, with what each of its points must restore to: per point id, per disk, the
 * SHA-256 of the data that was backed up. The checks run the real command line ({@code vault verify},
 * {@code image restore}, {@code point list}) in this JVM.
 *
 * <p>Not thread-safe.
 */
final class CampaignVault {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Coffer coffer;
    private final Path path;
    private final Path scratch;
    private final Map<String, Map<String, String>> expected = new LinkedHashMap<>();

    CampaignVault(Coffer coffer, Path path, Path scratch) {
        this.coffer = coffer;
        this.path = path;
        this.scratch = scratch;
    }

    Path path() {
        return path;
    }

    /** The ids of the points listed now. */
    Set<String> points() throws Exception {
        Coffer.Result list = coffer.run("point", "list", "--vault", path.toString(), "--output", "json").ok("point list");
        Set<String> ids = new TreeSet<>();
        JsonNode listed = JSON.readTree(list.out());
        if (listed.has("damaged")) {
            throw new AssertionError("point list names damaged or lost points: " + listed.get("damaged"));
        }
        for (JsonNode p : listed.path("points")) {
            ids.add(p.path("id").asText());
        }
        return ids;
    }

    /** Records that the points of {@code ids} not known yet hold {@code disks} (disk name to SHA-256). */
    List<String> adopt(Set<String> ids, Map<String, String> disks) {
        List<String> adopted = new ArrayList<>();
        for (String id : ids) {
            if (!expected.containsKey(id)) {
                expected.put(id, Map.copyOf(disks));
                adopted.add(id);
            }
        }
        return adopted;
    }

    /** Any committed point, drawn with {@code draw}; null when there is none. */
    String anyPoint(java.util.Random draw, String disk) {
        List<String> ids = expected.entrySet().stream().filter(e -> e.getValue().containsKey(disk)).map(Map.Entry::getKey).toList();
        return ids.isEmpty() ? null : ids.get(draw.nextInt(ids.size()));
    }

    String sha(String point, String disk) {
        return expected.get(point).get(disk);
    }

    void forget(String point) {
        expected.remove(point);
    }

    /** {@code vault verify} is clean (exit 0), else the failure names what it printed. */
    void verifyClean(String what) {
        coffer.run("vault", "verify", "--vault", path.toString()).ok(what + ": vault verify");
    }

    /** Every disk of {@code point} restores to the data backed up, bit for bit. */
    void restoresExactly(String point, String what) throws Exception {
        for (Map.Entry<String, String> disk : expected.get(point).entrySet()) {
            Path target = scratch.resolve("check-" + point + "-" + disk.getKey() + ".raw");
            Files.deleteIfExists(target);
            coffer.run("image", "restore", "--vault", path.toString(), point, "--disk", disk.getKey(), "--to", target.toString(),
                    "--format", "raw").ok(what + ": restore of " + point + " " + disk.getKey());
            String actual = TestData.sha256(target);
            Files.delete(target);
            if (!actual.equals(disk.getValue())) {
                throw new AssertionError(what + ": point " + point + " disk " + disk.getKey() + " restored with SHA-256 "
                        + actual + ", backed up " + disk.getValue());
            }
        }
    }

    /** Every point restores exactly (the campaign's last check). */
    int restoreAll(String what) throws Exception {
        for (String point : expected.keySet()) {
            restoresExactly(point, what);
        }
        return expected.size();
    }

    /** Files a run leaves that must not outlive the next operation: temporaries and lock objects. */
    List<String> leftovers() throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(path)) {
            files.filter(Files::isRegularFile).map(p -> path.relativize(p).toString())
                    .filter(p -> p.contains("~tmp~") || p.startsWith("locks/")).forEach(found::add);
        }
        return found;
    }

}
