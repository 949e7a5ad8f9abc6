package coffer.cli;

import coffer.engine.image.ImageBackup;
import coffer.engine.image.ImageRestore;
import coffer.engine.vault.VaultOpener;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.maintenance.VaultStats;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The image-backup quick start on embedded defaults: makes a sample disk, an encrypted vault, a full and an
 * incremental point, restores the newest, compares checksums and verifies the vault; printing each step
 * as the command a user would type. Needs nothing but a JDK: the sample disk is raw, read and written
 * without any QEMU tool.
 *
 * <p>Not thread-safe (a command object, run once).
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Try Coffer: back up, change, back up again and restore a sample disk image, then verify.")
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "coffer-quickstart",
            description = "Working directory, created if missing (default: ./${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "256M", converter = Values.SizeConverter.class,
            description = "Size of the sample disk (default: 256M).")
    long size;

    @Override
    public Integer call() throws Exception {
        Output out = Cli.out();
        Files.createDirectories(dir);
        Path vaultPath = dir.resolve("vault");
        Path keyRing = dir.resolve("keyring.json");
        Path disk = dir.resolve("disk.raw");
        Path restored = dir.resolve("restored.raw");
        VaultOpener opener = new VaultOpener(keyRing);
        boolean fresh = !Files.exists(vaultPath.resolve(Vault.CONFIG));
        out.line("$ coffer vault init %s --keyring %s", vaultPath, keyRing);
        try (Vault vault = fresh ? opener.create(vaultPath, VaultOpener.DEFAULT_CHUNK_SIZE, true) : opener.open(vaultPath)) {
            out.line("  %s vault, chunk size %s, encrypted; key ring %s (keep a copy of it)", fresh ? "new" : "existing",
                    Output.bytes(vault.chunkSize()), keyRing);
            SampleImage.Summary sample = SampleImage.create(disk, size, 1);
            out.line("  sample disk %s: %s (%s random, %s text, %s holes, %s duplicated)", disk, Output.bytes(size),
                    Output.bytes(sample.random()), Output.bytes(sample.text()), Output.bytes(sample.holes()),
                    Output.bytes(sample.duplicates()));
            backup(out, vault, disk, vaultPath);
            long changed = SampleImage.scatter(disk, 0.02, 2);
            out.line("  (changed %s of the disk in scattered 4 KiB-1 MiB writes)", Output.bytes(changed));
            PointManifest second = backup(out, vault, disk, vaultPath);
            out.line("$ coffer image restore --vault %s %s --to %s --force", vaultPath, second.id(), restored);
            try (ProgressBar bar = new ProgressBar(Cli.err(), true, "restore")) {
                new ImageRestore().run(vault, new ImageRestore.Request(second.id(), null, restored, coffer.virt.image.ImageFormat.RAW,
                        true, 0), bar);
                bar.close();
                out.line("  restored in %.1f s (%.0f MB/s)", bar.elapsed().toMillis() / 1000.0, bar.rateMBps());
            }
            String original = sha256(disk);
            String copy = sha256(restored);
            out.line("  sha256 original %s", original);
            out.line("  sha256 restored %s  %s", copy, original.equals(copy) ? "IDENTICAL" : "DIFFERENT");
            out.line("$ coffer vault verify --vault %s", vaultPath);
            VerifyReport report = new Verifier(vault, ChunkWorkers.defaultThreads()).verify(vault.points(), coffer.vault.io.Progress.NONE);
            out.line("  %d point(s), %d chunk(s) checked: %s", report.points(), report.chunksChecked(),
                    report.clean() ? "no damage" : report.damage().size() + " damaged range(s)");
            VaultStats stats = new StatsCollector(vault).collect();
            out.line("$ coffer vault stats --vault %s", vaultPath);
            out.line("  %d point(s), %s logical, %s stored (dedup %.2fx, compression %.2fx)", stats.points(),
                    Output.bytes(stats.logicalBytes()), Output.bytes(stats.storedBytes()), stats.dedupRatio(),
                    stats.compressionRatio());
            return original.equals(copy) && report.clean() ? 0 : 1;
        }
    }

    private static PointManifest backup(Output out, Vault vault, Path disk, Path vaultPath) {
        out.line("$ coffer image backup --vault %s --name quickstart --format raw %s", vaultPath, disk);
        try (ProgressBar bar = new ProgressBar(Cli.err(), true, "backup")) {
            // a raw disk, said so: its content never chooses its format (docs/cli.md), and no QEMU tool is needed
            PointManifest point = new ImageBackup().run(vault, new ImageBackup.Request("quickstart", List.of(disk), 0,
                    "raw", false), bar);
            bar.close();
            PointManifest.Disk d = point.disks().getFirst();
            out.line("  point %s: read %s, stored %d new chunk(s) (%s) in %.1f s (%.0f MB/s)", point.id(),
                    Output.bytes(d.readBytes()), d.newChunks(), Output.bytes(d.newStoredBytes()),
                    bar.elapsed().toMillis() / 1000.0, bar.rateMBps());
            return point;
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
