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

/**
 * Disk images on this host as vault sources and sinks, for offline backup and restore: raw files and block
 * devices are read and written directly; qcow2 and every other format QEMU reads go through {@code qemu-nbd}.
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
     * Opens an image for reading, detecting its format with {@code qemu-img info}. Detection trusts the image's
     * content; for disks a guest could write, prefer {@link #openSource(Path, String)} with the format from the
     * domain definition.
     *
     * @throws NoSuchFileException if {@code image} does not exist
     * @throws AccessDeniedException if it cannot be read
     * @throws FileSystemException if it is a directory or neither a regular file nor a block device
     * @throws ExternalToolException if qemu-img or qemu-nbd fail; the message carries their stderr
     */
    public static BlockSource openSource(Path image) throws IOException {
        boolean blockDevice = checkReadable(image);
        return openChecked(image, detectFormat(image), blockDevice);
    }

    /** Opens an image for reading in a known format ({@code raw}, {@code qcow2}, or any QEMU format name). */
    public static BlockSource openSource(Path image, String format) throws IOException {
        boolean blockDevice = checkReadable(image);
        return openChecked(image, format, blockDevice);
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

    /** What {@code qemu-img info} reports about an image (format, virtual size, persistent bitmaps). */
    public static ImageInfo inspect(Path image) throws IOException {
        checkReadable(image);
        return QemuImg.info(image);
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

    private static BlockSource openChecked(Path image, String format, boolean blockDevice) throws IOException {
        if (format.equals(ImageFormat.RAW.qemuName())) {
            return RawFileSource.open(image, blockDevice);
        }
        QemuNbdServer server = QemuNbdServer.start(image, QemuNbdServer.Options.readOnly(format)
                .withConnections(CONNECTIONS));
        try {
            return new ServedSource(NbdExportSource.open(server.export(), CONNECTIONS, List.of()), server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
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

    private static boolean isBlockDevice(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode");
        return mode instanceof Integer bits && (bits & S_IFMT) == S_IFBLK;
    }

    private static String detectFormat(Path image) throws IOException {
        if (!toolAvailable("qemu-img")) {
            return QemuImg.formatByMagic(image);
        }
        return QemuImg.info(image).format();
    }

    private static boolean toolAvailable(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
