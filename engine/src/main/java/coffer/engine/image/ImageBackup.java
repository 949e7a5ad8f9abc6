package coffer.engine.image;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.ChunkWorkers;
import coffer.vault.CorruptDataException;
import coffer.vault.JitWarmup;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.io.BlockSource;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageRefusedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Backs up disk image files or block devices as one point (the offline path instance backups reuse).
 * Every source is opened before anything is written, so a bad argument writes nothing. A later point of
 * the same name starts each disk from the same disk of the newest earlier point (its index verified
 * against that point's manifest), so only changed chunks are stored.
 *
 * <p>A disk's content never chooses how it is read (docs/cli.md, "image backup"): the format is the one asked
 * for; without one a block device is raw and a file is raw unless its header claims an image format; a file
 * the image's header names (a backing file) is read only when asked ({@code followBacking}), else the image
 * is refused. A guest can write any header into its raw disk.
 *
 * <p>Stateless; thread-safe.
 */
public final class ImageBackup {

    /**
     * @param threads       chunk workers; 0 for one per core
     * @param format        the format of every file (QEMU's name: raw, qcow2, ...), or null to decide per file
     * @param followBacking read the backing files the images' headers name, as part of the images
     */
    public record Request(String name, List<Path> files, int threads, String format, boolean followBacking) {
        /** Formats decided per file, no backing file followed. */
        public Request(String name, List<Path> files, int threads) {
            this(name, files, threads, null, false);
        }
    }

    public PointManifest run(Vault vault, Request request, JobProgress listener) {
        if (request.name() == null || request.name().isBlank()) {
            throw new CofferException(ErrorCode.InvalidArgument, "--name must not be empty");
        }
        if (request.files().isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "give at least one image file or block device");
        }
        List<BlockSource> sources = new ArrayList<>();
        JitWarmup.startInBackground(vault);
        try {
            List<String> formats = new ArrayList<>();
            for (Path file : request.files()) {
                checkReadable(file);
                String format = DiskImages.chooseFormat(file, request.format());
                sources.add(DiskImages.openSource(file, format, request.followBacking()));
                formats.add(format);
            }
            PointManifest previous = vault.latest(request.name());
            long total = sources.stream().mapToLong(BlockSource::size).sum();
            listener.starting(total);
            int threads = request.threads() > 0 ? request.threads() : ChunkWorkers.backupThreads();
            try (PointWriter writer = PointWriter.begin(vault, request.name(), Instant.now(), threads)) {
                List<String> names = diskNames(request.files());
                List<PointWriter.Slot> slots = new ArrayList<>();
                for (String diskName : names) {
                    slots.add(writer.reserve(diskName));
                }
                // the disks at once, as an instance backup reads them: a small disk's cold reads and its writer's
                // start overlap the large one's work instead of adding to it (docs/performance.md, session 10)
                ChunkWorkers.run(sources.size(), Math.min(sources.size(), PointWriter.PARALLEL_DISKS), 0,
                        (i, unused) -> writer.writeDisk(slots.get(i), sources.get(i), formats.get(i),
                                baseFor(vault, previous, names.get(i)), listener));
                return writer.commit("CRASH", previous == null ? null : previous.id(), List.of(), null);
            }
        } catch (ImageRefusedException e) {
            throw new CofferException(ErrorCode.InvalidArgument, e.getMessage() + switch (e.reason()) {
                case UNKNOWN_FORMAT -> "";
                case NAMES_ANOTHER_FILE -> " (--follow-backing reads it as part of the image; if the image is a raw"
                        + " disk whose first bytes only look like a header, give --format raw)";
                case FORMAT_NOT_GUESSED -> " (give --format)";
            }, e);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        } finally {
            for (BlockSource source : sources) {
                try {
                    source.close();
                } catch (IOException ignored) {
                    // closing a read-only source cannot lose data
                }
            }
        }
    }

    private static void checkReadable(Path file) {
        if (!Files.exists(file)) {
            throw new CofferException(ErrorCode.SourceNotFound, "no such file or device: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new CofferException(ErrorCode.InvalidArgument, file + " is a directory, not a disk image or device");
        }
        if (!Files.isReadable(file)) {
            throw new CofferException(ErrorCode.SourceUnreadable, file + " is not readable by this user");
        }
    }

    /** The same disk in the previous point, if its index is intact; else null (a full read, still deduplicated). */
    private static DiskBase baseFor(Vault vault, PointManifest previous, String diskName) throws IOException {
        if (previous == null) {
            return null;
        }
        for (PointManifest.Disk disk : previous.disks()) {
            if (disk.name().equals(diskName) && disk.chunkSize() == vault.chunkSize()) {
                try {
                    return DiskBase.dedupAgainst(previous.id(), vault.readIndex(previous, disk));
                } catch (CorruptDataException damaged) {
                    return null;
                }
            }
        }
        return null;
    }

    /** File names, made unique within the point. */
    static List<String> diskNames(List<Path> files) {
        Set<String> used = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            String base = file.getFileName() == null ? "disk" : file.getFileName().toString();
            String name = base;
            for (int n = 2; !used.add(name); n++) {
                name = base + "-" + n;
            }
            names.add(name);
        }
        return names;
    }
}
