package coffer.app.campaign;

import coffer.testing.TestData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * {@code coffer image restore} of a random committed image point, killed at a random moment: the target is
 * either absent or complete (never partial), and the next restore to the same target succeeds bit-identical
 * and leaves no {@code .coffer-restore} temporary.
 *
 * <p>Not thread-safe.
 */
final class RestoreKill extends CommandKill {
    private final Path target;
    private String point;

    RestoreKill(Coffer coffer, CampaignVault vault, Path dir) {
        super(coffer, vault, Duration.ofSeconds(2));
        this.target = dir.resolve("restored.raw");
    }

    @Override
    public String kind() {
        return "restore";
    }

    @Override
    public void prepare(Random draw) throws Exception {
        point = vault.anyPoint(draw, ImageBackupKill.DISK);
        if (point == null) {
            throw new IllegalStateException("no image point to restore yet");
        }
        Files.deleteIfExists(target);
    }

    @Override
    public Map<String, String> pointData() {
        return Map.of();
    }

    @Override
    String[] command() {
        return new String[]{"image", "restore", "--vault", vault.path().toString(), point, "--disk", ImageBackupKill.DISK,
                "--to", target.toString(), "--format", "raw"};
    }

    @Override
    public void afterKill(String what) throws Exception {
        if (Files.exists(target)) {
            String sha = TestData.sha256(target);
            if (!sha.equals(vault.sha(point, ImageBackupKill.DISK))) {
                throw new AssertionError(what + ": the killed restore left a target that is not the point's data");
            }
            Files.delete(target);
        }
    }

    @Override
    public void next(String what) throws Exception {
        super.next(what);
        if (!TestData.sha256(target).equals(vault.sha(point, ImageBackupKill.DISK))) {
            throw new AssertionError(what + ": the next restore is not bit-identical");
        }
        Files.delete(target);
    }

    @Override
    public void nothingLeft(String what) {
        Path temp = target.resolveSibling(target.getFileName() + ".coffer-restore");
        if (Files.exists(temp)) {
            throw new AssertionError(what + ": " + temp + " left behind");
        }
    }
}
