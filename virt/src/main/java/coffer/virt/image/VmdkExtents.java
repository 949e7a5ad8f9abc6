package coffer.virt.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a file read as VMDK keeps its data in further files (extents), found by Coffer itself before any QEMU
 * tool opens it: {@code qemu-img info} already opens every extent a descriptor names, and an extent's name can be
 * any host file, a device or a protocol ({@code nbd://…}, {@code json:…}), so such an image read without asking
 * would put a host file into the vault as the image's data.
 *
 * <p>QEMU reads a file as VMDK this way (block/vmdk.c): a {@code COWD} (version 3) or {@code KDMV} (version 4)
 * sparse header keeps the data in the file itself, except a {@code KDMV} header whose capacity is 0 and that
 * points at an embedded descriptor, which is then read as a descriptor; any other file is a text descriptor
 * (its first line need not be {@code # Disk DescriptorFile}), whose extent lines name the files holding the
 * data. So only a sparse header with a capacity keeps everything in one file; the rest names other files.
 * A sparse file's parent ({@code parentFileNameHint}) is a backing file, which {@code qemu-img info} reports
 * without opening it.
 *
 * <p>Stateless; thread-safe.
 */
final class VmdkExtents {
    private static final int VMDK3_MAGIC = 0x434f5744; // "COWD", as QEMU reads it (big-endian)
    private static final int VMDK4_MAGIC = 0x4b444d56; // "KDMV"
    private static final int HEAD = 64;
    private static final int MAX_DESCRIPTOR = 64 * 1024; // enough for the names in a message; QEMU reads up to 1 MiB
    private static final int MAX_NAMES = 3;
    /** An extent line: access, size in sectors, type, "file name" (docs: VMware's Virtual Disk Format 1.1). */
    private static final Pattern EXTENT = Pattern.compile("(?m)^\\s*(?:RW|RDONLY|NOACCESS)\\s+\\d+\\s+\\w+\\s+\"([^\"]*)\"");

    private VmdkExtents() {
    }

    /**
     * What other files {@code image} names when read as VMDK ({@code extent files "a", "b"}), empty when its data
     * lies in the file itself.
     */
    static Optional<String> namedFiles(Path image) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer head = readAt(channel, 0, HEAD);
            int magic = head.limit() >= 4 ? head.order(ByteOrder.BIG_ENDIAN).getInt(0) : 0;
            if (magic == VMDK3_MAGIC) {
                return Optional.empty();
            }
            if (magic == VMDK4_MAGIC) {
                if (head.limit() < 36) {
                    return Optional.empty(); // too short for a header; QEMU refuses it
                }
                head.order(ByteOrder.LITTLE_ENDIAN);
                long capacity = head.getLong(12);
                long descriptorSector = head.getLong(28);
                if (capacity != 0 || descriptorSector == 0) {
                    return Optional.empty();
                }
                return Optional.of(describe(descriptorSector > Long.MAX_VALUE / 512 ? ByteBuffer.allocate(0)
                        : readAt(channel, descriptorSector * 512, MAX_DESCRIPTOR), "its embedded descriptor's"));
            }
            return Optional.of(describe(readAt(channel, 0, MAX_DESCRIPTOR), "its descriptor's"));
        }
    }

    /** The extent file names a descriptor holds, for a message (control characters shown as {@code ?}). */
    private static String describe(ByteBuffer descriptor, String whose) {
        String text = StandardCharsets.UTF_8.decode(descriptor).toString();
        int nul = text.indexOf('\0');
        Matcher m = EXTENT.matcher(nul < 0 ? text : text.substring(0, nul)); // QEMU reads the text up to a NUL
        List<String> names = new ArrayList<>();
        int count = 0;
        while (m.find()) {
            if (names.size() < MAX_NAMES) {
                names.add('"' + m.group(1).replaceAll("\\p{Cntrl}", "?") + '"');
            }
            count++;
        }
        if (count == 0) {
            return whose + " extent files (a VMDK descriptor: the file holds no data of its own)";
        }
        return whose + " extent file" + (count == 1 ? " " : "s ") + String.join(", ", names)
                + (count > names.size() ? " and " + (count - names.size()) + " more" : "");
    }

    private static ByteBuffer readAt(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
            // fill it, or stop at the end of the file
        }
        return buffer.flip();
    }
}
