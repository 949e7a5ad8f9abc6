package coffer.virt.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * What an image file's first bytes say, read by Coffer itself: no QEMU tool runs and nothing the header names
 * is opened. Knows the magic of the image formats QEMU reads that start with one, and for qcow2, qcow and QED
 * also whether the header names another file the image's data depends on (a backing file; for qcow2 also an
 * external data file). Only ever a claim: the content of a raw disk is whatever its guest wrote.
 *
 * @param format    QEMU's name of the format the header claims; {@code raw} when no magic matches
 * @param reference the other file the header names ({@code backing file /x}), empty when none
 *
 * <p>Immutable; thread-safe.
 */
record ImageHeader(String format, Optional<String> reference) {
    private static final int HEAD = 512;
    private static final int QCOW_MAGIC = 0x514649fb; // "QFI\xfb", big-endian
    private static final int QED_MAGIC = 0x00444551; // "QED\0", little-endian
    private static final long QCOW2_EXTERNAL_DATA_FILE = 1L << 2;
    private static final long QED_BACKING_FILE = 1L;
    private static final int MAX_NAME = 4096;

    /** The formats whose headers {@link #read} checks for references to other files. */
    static boolean referencesChecked(String format) {
        return format.equals("qcow2") || format.equals("qcow") || format.equals("qed");
    }

    /** Reads the header of {@code image} (a file or block device that exists and is readable). */
    static ImageHeader read(Path image) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer head = readAt(channel, 0, HEAD);
            if (head.limit() >= 8 && head.order(ByteOrder.BIG_ENDIAN).getInt(0) == QCOW_MAGIC) {
                return qcow(channel, head);
            }
            if (head.limit() >= 64 && head.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == QED_MAGIC) {
                return qed(channel, head);
            }
            return new ImageHeader(otherFormat(head), Optional.empty());
        }
    }

    /** qcow2 (version 2, 3) and qcow (version 1) share the magic and the backing file's offset and length. */
    private static ImageHeader qcow(FileChannel channel, ByteBuffer head) throws IOException {
        head.order(ByteOrder.BIG_ENDIAN);
        int version = head.getInt(4);
        String format = version == 1 ? "qcow" : "qcow2";
        if (head.limit() < 20) {
            return new ImageHeader(format, Optional.empty()); // too short to name anything; QEMU refuses it
        }
        long backingOffset = head.getLong(8);
        int backingLength = head.getInt(16);
        if (backingOffset != 0 && backingLength != 0) {
            return new ImageHeader(format, Optional.of("backing file " + name(channel, backingOffset, backingLength)));
        }
        if (version >= 3 && head.limit() >= 80 && (head.getLong(72) & QCOW2_EXTERNAL_DATA_FILE) != 0) {
            return new ImageHeader(format, Optional.of("an external data file"));
        }
        return new ImageHeader(format, Optional.empty());
    }

    private static ImageHeader qed(FileChannel channel, ByteBuffer head) throws IOException {
        head.order(ByteOrder.LITTLE_ENDIAN);
        if ((head.getLong(16) & QED_BACKING_FILE) != 0) {
            long offset = Integer.toUnsignedLong(head.getInt(56));
            return new ImageHeader("qed", Optional.of("backing file " + name(channel, offset, head.getInt(60))));
        }
        return new ImageHeader("qed", Optional.empty());
    }

    /** Formats recognised by their magic whose headers cannot name other files Coffer would open, and VMDK. */
    private static String otherFormat(ByteBuffer head) {
        if (startsWith(head, 0, "KDMV") || startsWith(head, 0, "# Disk DescriptorFile")) {
            return "vmdk";
        }
        if (startsWith(head, 0, "vhdxfile")) {
            return "vhdx";
        }
        if (startsWith(head, 0, "conectix")) {
            return "vpc";
        }
        if (head.limit() >= 0x44 && head.order(ByteOrder.LITTLE_ENDIAN).getInt(0x40) == 0xbeda107f) {
            return "vdi";
        }
        return "raw";
    }

    private static String name(FileChannel channel, long offset, int length) throws IOException {
        if (offset < 0 || length <= 0 || length > MAX_NAME) {
            return "(a name of " + Integer.toUnsignedString(length) + " bytes at offset " + offset + ")";
        }
        ByteBuffer name = readAt(channel, offset, length);
        return StandardCharsets.UTF_8.decode(name).toString().replaceAll("\\p{Cntrl}", "?");
    }

    private static boolean startsWith(ByteBuffer head, int at, String magic) {
        byte[] bytes = magic.getBytes(StandardCharsets.US_ASCII);
        if (head.limit() < at + bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (head.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer readAt(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
            // fill it, or stop at the end of the file
        }
        return buffer.flip();
    }
}
