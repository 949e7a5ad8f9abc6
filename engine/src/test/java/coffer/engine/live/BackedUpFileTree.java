package coffer.engine.live;

import coffer.testing.DiskWithFiles;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.virt.image.DiskImages;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Test support: a host directory tree made into an ext4 disk ({@link DiskWithFiles#ext4}), backed up as one point of a
 * local vault, and browsing sessions (real libguestfs appliances) to read that point's files. Closing ends the
 * sessions, then the vault.
 *
 * @param vault the local vault in the test's directory
 * @param point the point holding the disk as {@code vda}
 * @param sessions browsing sessions with the default limits, run directory {@code dir/run}
 */
record BackedUpFileTree(TestVault vault, PointManifest point, BrowseSessions sessions) implements AutoCloseable {

    /**
     * Makes {@code tree} into an ext4 image {@code dir/<name>.raw} of {@code size} (as {@code mkfs} reads it, e.g.
     * {@code 64M}), backs it up as instance {@code name} into a local vault in {@code dir}. Skips the test where the
     * tools are missing.
     */
    static BackedUpFileTree of(Path dir, Path tree, String name, String size) throws IOException, InterruptedException {
        DiskWithFiles.requireTools();
        TestVault vault = VaultFlavour.LOCAL.create(dir);
        try {
            Path image = DiskWithFiles.ext4(tree, dir.resolve(name + ".raw"), size);
            PointManifest point = vault.backup(name, DiskImages.openSource(image, "raw", false), null);
            BrowseSessions sessions = new BrowseSessions(BrowseSessions.Limits.DEFAULTS, dir.resolve("run"),
                    BrowseSessions.Opener.DEFAULT, Clock.systemUTC());
            return new BackedUpFileTree(vault, point, sessions);
        } catch (IOException | InterruptedException | RuntimeException e) {
            vault.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sessions.close();
        } finally {
            vault.close();
        }
    }
}
