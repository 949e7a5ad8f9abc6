package coffer.virt.image;

import coffer.vault.io.BlockSink;
import coffer.vault.io.BlockSource;
import coffer.virt.nbd.NbdExport;
import coffer.virt.nbd.NbdExportSource;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Disk images on this host as vault sources and sinks, for offline backup and restore: raw files and block
 * devices are read and written directly; qcow2 and the other formats QEMU reads go through {@code qemu-nbd}.
 * An image's content never chooses how Coffer reads it on its own: the caller gives the format (from the
 * domain XML, or the user's choice, or {@link #chooseFormat}'s rule), {@code qemu-img} always runs with an
 * explicit format, and the files a header names are opened only when asked.
 *
 * <p>Stateless; thread-safe.
 */
public final class DiskImages {
    /** Parallel connections to a {@code qemu-nbd} behind a source or sink. */
    static final int CONNECTIONS = NbdExportSource.DEFAULT_CONNECTIONS;

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private DiskImages() {
    }

    /**
     * The formats Coffer reads images in, by QEMU's names: raw, and the image formats QEMU reads. Protocol
     * drivers ({@code nbd}, {@code file}, ...) and formats needing secrets ({@code luks}) are not among them.
     */
    public static final Set<String> READ_FORMATS = Set.of("raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vhdx", "vpc");

    /**
     * The format to read {@code image} in: {@code requested} when given (one of {@link #READ_FORMATS}); else raw
     * for a block device, whatever its first bytes say; else the format its header claims (see
     * {@link ImageHeader}), raw when it claims none. A header claiming VMDK is refused: a VMDK descriptor names
     * further files, so its format must be asked for, never guessed. Only the caller can know that a file's
     * content is not a guest's raw disk whose first bytes merely look like a header; {@link #openSource} still
     * refuses an image whose header names another file unless asked to follow it.
     *
     * @param requested a format name, or null to decide as above
     * @throws ImageRefusedException for an unknown format name or a VMDK header
     */
    public static String chooseFormat(Path image, String requested) throws IOException {
        boolean blockDevice = checkReadable(image);
        if (requested != null) {
            checkFormat(image, requested);
            return requested;
        }
        if (blockDevice) {
            return ImageFormat.RAW.qemuName();
        }
        String claimed = ImageHeader.read(image).format();
        if (claimed.equals("vmdk")) {
            throw new ImageRefusedException(image.toString(), ImageRefusedException.Reason.FORMAT_NOT_GUESSED, image
                    + " starts like a VMDK image, whose descriptor names further files: its format is read only when"
                    + " named (vmdk, or raw if it is a raw disk whose first bytes only look like VMDK)");
        }
        return claimed;
    }

    /**
     * Opens an image for reading in {@code format} (one of {@link #READ_FORMATS}): raw files and block devices
     * directly, every other format through {@code qemu-nbd --read-only}. The files an image's header names (a
     * backing file, a qcow2 external data file) are opened only with {@code followBacking}: without it such an
     * image is refused (read without them, it would not hold the disk's data), and qemu-nbd is told to open no
     * backing file in any case.
     *
     * @throws NoSuchFileException if {@code image} does not exist
     * @throws AccessDeniedException if it cannot be read
     * @throws FileSystemException if it is a directory or neither a regular file nor a block device
     * @throws ImageRefusedException for an unknown format, or a header naming another file without {@code followBacking}
     * @throws ExternalToolException if qemu-img or qemu-nbd fail; the message carries their stderr
     */
    public static BlockSource openSource(Path image, String format, boolean followBacking) throws IOException {
        boolean blockDevice = checkReadable(image);
        checkFormat(image, format);
        if (format.equals(ImageFormat.RAW.qemuName())) {
            return RawFileSource.open(image, blockDevice);
        }
        if (!followBacking) {
            refuseReferences(image, format);
        }
        QemuNbdServer.Options options = QemuNbdServer.Options.readOnly(format).withConnections(CONNECTIONS);
        QemuNbdServer server = QemuNbdServer.start(image, followBacking ? options.withBackingFollowed() : options);
        try {
            return new ServedSource(NbdExportSource.open(server.export(), CONNECTIONS, List.of()), server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Adds a persistent dirty bitmap, recording from now, to a qcow2 image no QEMU has open (the way to
     * start change tracking on a shut-off domain: libvirt cannot create checkpoints of inactive domains,
     * but can redefine one whose bitmaps exist; docs/design/libvirt.md).
     */
    public static void addBitmap(Path image, String name) throws IOException {
        checkReadable(image);
        QemuImg.addBitmap(image, name);
    }

    /** Removes a persistent dirty bitmap from a qcow2 image no QEMU has open. */
    public static void removeBitmap(Path image, String name) throws IOException {
        checkReadable(image);
        QemuImg.removeBitmap(image, name);
    }

    /**
     * Creates a new qcow2 image of {@code size} bytes that reads through to the raw NBD export {@code backing}
     * until its data has been pulled in (instant restore). Fails with
     * {@link java.nio.file.FileAlreadyExistsException} if {@code image} exists.
     */
    public static void createOverlay(Path image, NbdExport backing, long size) throws IOException {
        if (Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(image.toString());
        }
        QemuImg.createOverlay(image, backing.toString(), size);
    }

    /**
     * Creates the empty qcow2 scratch image of a pull backup for a disk of {@code size} bytes (QEMU's backup
     * job requires the scratch's size to be the disk's). Coffer makes scratch images itself, so that libvirt's
     * {@code backup-begin} only attaches them: see {@code Libvirt.backupBeginOnScratch}. Fails with
     * {@link java.nio.file.FileAlreadyExistsException} if {@code image} exists. Written by Coffer's own qcow2 writer
     * (the image {@code qemu-img create -f qcow2} makes: version 3, 64 KiB clusters, 16-bit refcounts), which
     * spares a backup's start a {@code qemu-img} process per disk (docs/performance.md, session 23); a size that
     * writer cannot take (not a multiple of 512) goes to {@code qemu-img} as before.
     */
    public static void createScratch(Path image, long size) throws IOException {
        if (Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(image.toString());
        }
        if (Qcow2FileSink.fits(size)) {
            Qcow2FileSink.createEmpty(image, size);
        } else {
            QemuImg.createEmptyQcow2(image, size);
        }
    }

    /**
     * What {@code qemu-img info -f FORMAT} reports about an image read as {@code format} (virtual size, backing
     * file, persistent bitmaps). The format is always given, never probed, and no backing file is opened.
     */
    public static ImageInfo inspect(Path image, String format) throws IOException {
        checkReadable(image);
        checkFormat(image, format);
        return QemuImg.info(image, format);
    }

    /**
     * Creates a new image of {@code size} bytes to restore into, sparse, reading as zeros. Fails with
     * {@link java.nio.file.FileAlreadyExistsException} if {@code image} exists, unless {@code overwrite}. A qcow2
     * is written directly ({@link Qcow2FileSink}: clusters appended in the order written, tables written once at
     * commit); its size must be a multiple of 512. The caller removes the file if it closes the sink without
     * committing: before commit it is not a valid image.
     */
    public static BlockSink createSink(Path image, ImageFormat format, long size, boolean overwrite)
            throws IOException {
        return switch (format) {
            case RAW -> RawFileSink.create(image, size, overwrite);
            case QCOW2 -> Qcow2FileSink.create(image, size, overwrite);
        };
    }

    private static void checkFormat(Path image, String format) throws ImageRefusedException {
        if (!READ_FORMATS.contains(format)) {
            throw new ImageRefusedException(image.toString(), ImageRefusedException.Reason.UNKNOWN_FORMAT,
                    "cannot read " + image + " as '" + format + "': the formats are "
                            + READ_FORMATS.stream().sorted().toList());
        }
    }

    /**
     * Refuses an image whose header names another file. qcow2, qcow and QED headers are read by Coffer (nothing
     * opened); a VMDK's extents too ({@link VmdkExtents}: {@code qemu-img info} would open them), then its parent
     * is asked of {@code qemu-img info}, as the other formats' backing files are, with the format given.
     */
    private static void refuseReferences(Path image, String format) throws IOException {
        Optional<String> reference = format.equals("vmdk") ? VmdkExtents.namedFiles(image) : Optional.empty();
        if (reference.isPresent()) {
            refuse(image, format, reference.get()); // before qemu-img info, which would open the extents
        }
        if (ImageHeader.referencesChecked(format)) {
            ImageHeader header = ImageHeader.read(image);
            // a header of another format than asked: QEMU refuses to open it as this one
            reference = header.format().equals(format) ? header.reference() : Optional.empty();
        } else {
            reference = QemuImg.info(image, format).backingFile().map(file -> "backing file " + file);
        }
        if (reference.isPresent()) {
            refuse(image, format, reference.get());
        }
    }

    private static void refuse(Path image, String format, String reference) throws ImageRefusedException {
        throw new ImageRefusedException(image.toString(), ImageRefusedException.Reason.NAMES_ANOTHER_FILE,
                image + " read as " + format + " names " + reference + "; files an image names are read"
                        + " only when following them is asked for");
    }

    /** Checks that {@code image} can be read as a disk; returns whether it is a block device. */
    private static boolean checkReadable(Path image) throws IOException {
        if (!Files.exists(image)) {
            throw new NoSuchFileException(image.toString(), null, "no such disk image");
        }
        if (Files.isDirectory(image)) {
            throw new FileSystemException(image.toString(), null, "is a directory, not a disk image");
        }
        boolean blockDevice = !Files.isRegularFile(image) && isBlockDevice(image);
        if (!Files.isRegularFile(image) && !blockDevice) {
            throw new FileSystemException(image.toString(), null, "is neither a regular file nor a block device");
        }
        if (!Files.isReadable(image)) {
            throw new AccessDeniedException(image.toString(), null, "cannot read disk image");
        }
        return blockDevice;
    }

    /**
     * A sink writing over the existing block device {@code device} (raw only): nothing is created, the holes of
     * what is written must be zeroed by the writer (the device keeps its old data elsewhere).
     */
    public static BlockSink openDeviceSink(Path device, long size) throws IOException {
        if (!isBlockDevice(device)) {
            throw new FileSystemException(device.toString(), null, "is not a block device");
        }
        return RawFileSink.device(device, size);
    }

    /** Whether {@code path} is a block device (following links, as /dev/vg/lv are). */
    public static boolean isBlockDevice(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode");
        return mode instanceof Integer bits && (bits & S_IFMT) == S_IFBLK;
    }
}
