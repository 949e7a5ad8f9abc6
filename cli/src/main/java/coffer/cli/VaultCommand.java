package coffer.cli;

import coffer.engine.catalog.VerifyRun;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.VerifyVault;
import coffer.engine.error.Errors;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultOpener;
import coffer.vault.ChunkWorkers;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.format.Compression;
import coffer.vault.format.VaultConfig;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.maintenance.PointDamage;
import coffer.vault.maintenance.Quarantine;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.maintenance.VaultStats;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import com.fasterxml.jackson.annotation.JsonInclude;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer vault init|verify|gc|stats}. */
@Command(name = "vault", description = "Create and maintain vaults.", mixinStandardHelpOptions = true)
final class VaultCommand {

    @Command(name = "init", description = "Create a vault in a new or empty directory, or in an S3 bucket (created when absent) under an empty prefix.",
            mixinStandardHelpOptions = true)
    static final class Init implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin KeyringOption keyring;
        @Parameters(paramLabel = "LOCATION", description = "Directory, or s3://bucket[/prefix], for the new vault.") String location;
        @Option(names = "--no-encryption", description = "Store chunks unencrypted (default: AES-256-GCM).") boolean plain;
        @Option(names = "--chunk-size", paramLabel = "SIZE", converter = Values.SizeConverter.class,
                description = "Chunk size, a power of two from 256K to 16M (default: 512K).")
        Long chunkSize;
        @Option(names = "--compression", paramLabel = "CODEC", converter = CodecConverter.class,
                description = "Codec for new chunks: zstd (default; smaller) or lz4 (~10 %% less CPU per backup, ~13 %% more stored; "
                        + "read only by Coffer versions that know it). Fixed for the vault's life.")
        Compression compression;
        @Option(names = "--compression-level", paramLabel = "LEVEL",
                description = "zstd level for new chunks: -7 to -1 (faster, larger) or 1 to 19 (smaller, slower); "
                        + "default 1, level 3 stores ~5-9 %% less of compressible data for ~15-35 %% more CPU.")
        Integer compressionLevel;

        @Override
        public Integer call() throws IOException {
            int size = chunkSize == null ? VaultOpener.DEFAULT_CHUNK_SIZE : (int) Math.min(Integer.MAX_VALUE, chunkSize);
            int level = compressionLevel == null ? VaultConfig.DEFAULT_COMPRESSION_LEVEL : compressionLevel;
            Compression codec = compression == null ? Compression.ZSTD : compression;
            VaultOpener opener = new VaultOpener(keyring.keyRing());
            VaultLocation where = Locations.parse(location);
            String shown = where instanceof VaultLocation.Directory(Path path) ? path.toAbsolutePath().toString() : where.toString();
            try (Vault vault = opener.create(where, size, codec, level, !plain)) {
                VaultConfig c = vault.config();
                Output out = Cli.out();
                if (common.json()) {
                    out.json(new Created(shown, c.vaultId(), c.chunkSize(), c.compression(), c.compressionLevel(),
                            c.encrypted(), c.encrypted() ? opener.keyRing().toAbsolutePath().toString() : null,
                            c.encrypted() ? c.encryption().keyId() : null));
                } else {
                    out.line("Created vault %s (id %s, chunk size %s, %s, %s)", shown, c.vaultId(),
                            Output.bytes(c.chunkSize()), c.codec() == Compression.LZ4 ? "lz4" : "zstd level " + c.compressionLevel(),
                            c.encrypted() ? "encrypted with AES-256-GCM" : "NOT encrypted");
                    if (c.encrypted()) {
                        out.line("Its key %s is in the key ring %s", c.encryption().keyId(), opener.keyRing().toAbsolutePath());
                        Cli.err().println("WARNING: keep a copy of " + opener.keyRing().toAbsolutePath()
                                + " somewhere safe, away from the vault. Without it the vault cannot be read.");
                    }
                }
            }
            return 0;
        }
    }

    /** {@code zstd} or {@code lz4}, the names of docs/format/config.md. */
    static final class CodecConverter implements CommandLine.ITypeConverter<Compression> {
        @Override
        public Compression convert(String value) {
            Compression codec = Compression.named(value.trim().toLowerCase(java.util.Locale.ROOT));
            if (codec == null) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a codec: zstd or lz4");
            }
            return codec;
        }
    }

    /**
     * A vault made ({@code --output json}): where, its id, chunk size, codec and level, and, when encrypted, the key ring
     * holding its key and that key's id (absent when it is not).
     */
    record Created(String path, String vaultId, int chunkSize, String compression, int compressionLevel, boolean encrypted,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String keyring,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String keyId) {
    }

    @Command(name = "verify", description = "Re-read points: authenticate and re-hash every chunk they reference; report"
            + " points whose manifest is damaged or lost, and (with a server configured) catalog points the vault lacks;"
            + " through a server (no --vault), a verify job of one of its vaults.",
            mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", arity = "0..1", description = "Offline: only this point (id, id prefix or name).") String point;
        @Option(names = "--quarantine", description = "Move damaged chunks to damaged/ so the next backup of the same data stores them again and the points that use them heal.")
        boolean quarantine;
        @Option(names = "--sampled", description = "With a server: read only the next slice of the vault's sampled rotation (default: every chunk).")
        boolean sampled;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "With a server: the server's vault to verify (default: its default vault).")
        String targetVault;
        @Option(names = "--wait", description = "With a server: wait for the verify job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (!transport.offline()) {
                transport.refuse(point != null, "POINT", "a server verifies a whole vault (or its next sample)");
                return JobRun.run(transport, common, new VerifyVault(targetVault, sampled ? VerifyRun.Kind.SAMPLED
                        : VerifyRun.Kind.FULL, quarantine), wait, 0, "verify");
            }
            transport.refuse(sampled, "--sampled", "the sample rotation is kept in a server's catalog");
            transport.refuse(targetVault != null, "--target-vault", "the vault is the one given by --vault");
            VaultLocation location = transport.vaultOption.require();
            try (Vault vault = new VaultOpener(transport.keyring.keyRing()).open(location);
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "verify")) {
                PointListing listing = point == null ? vault.listPoints() : null;
                List<PointManifest> points = listing != null ? listing.points() : List.of(vault.resolve(point));
                bar.starting(points.stream().mapToLong(PointManifest::logicalBytes).sum());
                Verifier verifier = new Verifier(vault, ChunkWorkers.defaultThreads());
                VerifyReport report = listing != null ? verifier.verify(listing, bar) : verifier.verify(points, bar);
                bar.close();
                if (listing != null) {
                    report = report.with(CatalogCrossCheck.missingFromVault(transport.server, location, listing));
                }
                int quarantined = quarantine && !report.damage().isEmpty()
                        ? new Quarantine(vault).quarantine(report.damage(), Duration.ofMinutes(1)) : 0;
                Output out = Cli.out();
                if (common.json()) {
                    out.json(new Verified(report, report.clean(), quarantined, bar.elapsed().toMillis() / 1000.0,
                            bar.rateMBps()));
                } else {
                    out.line("Checked %d point(s), %d chunk(s), %s of data.", report.points(), report.chunksChecked(),
                            Output.bytes(report.bytesChecked()));
                    for (PointDamage d : report.damagedPoints()) {
                        out.line("DAMAGED point %s (%s): %s", d.pointId(), d.object(), d.problem());
                    }
                    for (Damage d : report.damage()) {
                        out.line("DAMAGED point %s disk %s bytes %d-%d (%s): %s", d.pointId(), d.disk(), d.offset(),
                                d.offset() + d.length() - 1, d.object(), d.problem());
                    }
                    if (report.clean()) {
                        out.line("No damage found.");
                    } else {
                        out.line("%s%s", report.damagedPoints().isEmpty() ? "" : report.damagedPoints().size()
                                + " damaged point(s): restore their manifests from a copy of the vault, or remove what"
                                + " remains of them with 'coffer point delete ID'. ", report.damage().isEmpty() ? ""
                                : report.damage().size() + " damaged range(s). " + ErrorCode.DataCorrupt.remedy());
                    }
                    if (quarantined > 0) {
                        out.line("Moved %d damaged chunk(s) to damaged/: the next backup of the same data stores them again.",
                                quarantined);
                    }
                }
                return report.clean() ? 0 : ErrorCode.DataCorrupt.exitCode();
            } catch (IOException e) {
                throw Errors.classify(e);
            }
        }
    }

    /**
     * What an offline verify found ({@code --output json}): the report, whether it found no damage, how many damaged
     * chunks were moved to {@code damaged/}, and how long it took at what logical rate.
     */
    record Verified(VerifyReport report, boolean clean, int quarantined, double seconds, double logicalMBps) {
    }

    @Command(name = "gc", description = "Delete chunks no point references (older than the grace period).",
            mixinStandardHelpOptions = true)
    static final class Gc implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin KeyringOption keyring;
        @Mixin VaultOption vaultOption;
        @Option(names = "--grace", paramLabel = "DURATION", converter = Values.DurationConverter.class, defaultValue = "1h",
                description = "Keep unreferenced data younger than this: 0, 30s, 15min, 1h, 7d (default: ${DEFAULT-VALUE}).") Duration grace;
        @Option(names = "--wait", paramLabel = "DURATION", converter = Values.DurationConverter.class, defaultValue = "1min",
                description = "How long to wait for running backups before giving up (default: ${DEFAULT-VALUE}).") Duration wait;

        @Override
        public Integer call() {
            try (Vault vault = new VaultOpener(keyring.keyRing()).open(vaultOption.require())) {
                GcReport report = new GarbageCollector(vault).collect(grace, wait);
                if (common.json()) {
                    Cli.out().json(report);
                } else {
                    Cli.out().line("%d live point(s) use %d chunk(s). Removed %d unreferenced chunk(s) (%s), %d object(s) of unfinished points, %d abandoned temporary file(s); kept %d unreferenced chunk(s) younger than %s.",
                            report.livePoints(), report.liveChunks(), report.sweptChunks(), Output.bytes(report.sweptBytes()),
                            report.orphanObjects(), report.abandonedUploads(), report.keptUnreferenced(), Values.format(grace));
                    if (report.heldWithoutManifest() > 0) {
                        Cli.out().line("Kept %d immutable point(s) whose manifest is missing (their hold still runs): see docs/format/hold.md.",
                                report.heldWithoutManifest());
                    }
                    if (report.staleClaims() + report.staleLeases() > 0) {
                        Cli.out().line("Removed %d stale claim(s) and %d stale lease(s) of processes that ended without releasing them.",
                                report.staleClaims(), report.staleLeases());
                    }
                    if (report.staleNotRemoved() > 0) {
                        Cli.out().line("Could not remove %d stale claim(s) or lease(s) (their delete failed); tried again as this command ends, else the next gc removes them.",
                                report.staleNotRemoved());
                    }
                    if (report.damagedPoints() > 0) {
                        Cli.out().line("Kept %d damaged or lost point(s) and every chunk their indexes name: see 'coffer vault verify'.",
                                report.damagedPoints());
                    }
                }
                return 0;
            } catch (IOException e) {
                throw Errors.classify(e);
            }
        }
    }

    @Command(name = "stats", description = "Logical and stored sizes, dedup and compression ratios.",
            mixinStandardHelpOptions = true)
    static final class Stats implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin KeyringOption keyring;
        @Mixin VaultOption vaultOption;

        @Override
        public Integer call() {
            try (Vault vault = new VaultOpener(keyring.keyRing()).open(vaultOption.require())) {
                VaultStats s = new StatsCollector(vault).collect();
                Output out = Cli.out();
                if (common.json()) {
                    out.json(new Measured(s, s.dedupRatio(), s.compressionRatio()));
                    return 0;
                }
                out.line("Points:            %d", s.points());
                out.line("Logical size:      %s", Output.bytes(s.logicalBytes()));
                out.line("Data (non-zero):   %s", Output.bytes(s.dataBytes()));
                out.line("Unique chunks:     %d (%s)", s.chunks(), Output.bytes(s.uniqueBytes()));
                out.line("Stored:            %s", Output.bytes(s.storedBytes()));
                out.line("Dedup ratio:       %.2f", s.dedupRatio());
                out.line("Compression ratio: %.2f", s.compressionRatio());
                out.line("Unreferenced:      %d chunk(s), %s (removed by 'coffer vault gc')", s.unreferencedChunks(),
                        Output.bytes(s.unreferencedBytes()));
                for (VaultStats.PointStats p : s.perPoint()) {
                    out.line("%s  %s  %s", p.id(), p.name(), Output.bytes(p.logicalBytes()));
                    Table disks = Table.rows("    ", 2);
                    for (VaultStats.DiskStats d : p.disks()) {
                        disks.row(d.name(), String.format(java.util.Locale.ROOT, "size %s, %d data chunk(s), %d new chunk(s) storing %s",
                                Output.bytes(d.size()), d.dataChunks(), d.newChunks(), Output.bytes(d.newStoredBytes())));
                    }
                    disks.print(out);
                }
                return 0;
            } catch (IOException e) {
                throw Errors.classify(e);
            }
        }
    }

    /** A vault's sizes ({@code --output json}): the statistics with their dedup and compression ratios. */
    record Measured(VaultStats stats, double dedupRatio, double compressionRatio) {
    }

}
