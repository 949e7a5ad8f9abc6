package coffer.app.campaign;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code coffer vault gc --grace 0s} with garbage to sweep (a 32 MiB point backed up and deleted just before),
 * killed at a random moment; the next gc must succeed and leave no unreferenced chunk.
 *
 * <p>Not thread-safe.
 */
final class GcKill extends CommandKill {
    private final Path garbage;

    GcKill(Coffer coffer, CampaignVault vault, Path dir) {
        super(coffer, vault, Duration.ofSeconds(2));
        this.garbage = dir.resolve("garbage.raw");
    }

    @Override
    public String kind() {
        return "gc";
    }

    @Override
    public void prepare(Random draw) throws Exception {
        ImageBackupKill.randomize(garbage, 0, 32 << 20, draw);
        Coffer.Result backup = coffer.run("image", "backup", "--vault", vault.path().toString(), "--name", "garbage",
                garbage.toString()).ok("garbage backup");
        Matcher m = Pattern.compile("Point (\\S+) of").matcher(backup.out());
        if (!m.find()) {
            throw new AssertionError("no point id in: " + backup.out());
        }
        coffer.run("point", "delete", "--vault", vault.path().toString(), m.group(1)).ok("garbage delete");
    }

    @Override
    public Map<String, String> pointData() {
        return Map.of();
    }

    @Override
    String[] command() {
        return new String[]{"vault", "gc", "--vault", vault.path().toString(), "--grace", "0s", "--wait", "1min"};
    }

    @Override
    public void afterKill(String what) {
    }

    @Override
    public void nothingLeft(String what) {
        Coffer.Result stats = coffer.run("vault", "stats", "--vault", vault.path().toString()).ok(what + ": vault stats");
        if (!stats.out().contains("Unreferenced:      0 chunk(s)")) {
            throw new AssertionError(what + ": chunks left unreferenced after the next gc: " + stats.out());
        }
    }
}
