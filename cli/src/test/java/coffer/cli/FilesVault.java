package coffer.cli;

import coffer.testing.DiskWithFiles;

import java.nio.file.Path;

/**
 * An unencrypted vault made through the CLI whose points of image {@code web} are ext4 disks with chosen files
 * ({@link DiskWithFiles}), each backed up with {@code coffer image backup}: for the tests of the {@code files} commands.
 */
record FilesVault(Path keyRing, Path vault) {
    /** Requires mkfs.ext4 and libguestfs, then makes the vault {@code dir/vault} (key ring {@code dir/keyring.json}). */
    static FilesVault init(Path dir) {
        DiskWithFiles.requireTools();
        FilesVault made = new FilesVault(dir.resolve("keyring.json"), dir.resolve("vault"));
        CliRun.run(made.keyRing, "vault", "init", made.vault.toString(), "--no-encryption").ok();
        return made;
    }

    /** Backs up a new point of {@code web}: the raw image {@code image} (16 MiB) made holding {@code tree}'s files. */
    void backUp(Path tree, Path image) throws Exception {
        DiskWithFiles.ext4(tree, image, "16M");
        CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "web", image.toString()).ok();
    }
}
