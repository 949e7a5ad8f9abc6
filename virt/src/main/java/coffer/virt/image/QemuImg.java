package coffer.virt.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qemu-img}: format detection and image creation. Paths are passed absolute, so QEMU never reads a
 * file name as a protocol prefix ({@code nbd:}, {@code json:}).
 *
 * <p>Stateless; thread-safe.
 */
final class QemuImg {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    private QemuImg() {
    }

    /**
     * Runs {@code qemu-img info --output=json --force-share} on an existing, readable image. Force-share lets
     * it read the header of an image a running QEMU holds open (read-only, so it cannot disturb it).
     */
    static ImageInfo info(Path image) throws IOException {
        List<String> command = List.of("qemu-img", "info", "--output=json", "--force-share", image.toAbsolutePath().toString());
        String json = Tool.run(command, TIMEOUT, "qemu-img info of " + image);
        return parseInfo(json, image);
    }

    /** Parses {@code qemu-img info --output=json}; package-private for tests. */
    static ImageInfo parseInfo(String json, Path image) throws IOException {
        JsonNode root = JSON.readTree(json);
        JsonNode format = root.path("format");
        JsonNode size = root.path("virtual-size");
        if (!format.isTextual() || !size.canConvertToLong()) {
            throw new IOException("qemu-img info of " + image + " gave no format or virtual size: " + json.strip());
        }
        List<String> bitmaps = new ArrayList<>();
        List<String> inconsistent = new ArrayList<>();
        for (JsonNode bitmap : root.path("format-specific").path("data").path("bitmaps")) {
            if (bitmap.path("name").isTextual()) {
                bitmaps.add(bitmap.path("name").asText());
                for (JsonNode flag : bitmap.path("flags")) {
                    if ("in-use".equals(flag.asText())) {
                        inconsistent.add(bitmap.path("name").asText());
                    }
                }
            }
        }
        return new ImageInfo(format.asText(), size.asLong(), root.path("actual-size").asLong(-1), bitmaps, inconsistent);
    }

    /**
     * The format without {@code qemu-img}: qcow2 by its magic, otherwise raw. Only for machines without QEMU
     * tools, where nothing but raw images can be read anyway.
     */
    static String formatByMagic(Path image) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(QCOW2_MAGIC.length);
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // fill the head
            }
            return head.hasRemaining() || !head.flip().equals(ByteBuffer.wrap(QCOW2_MAGIC))
                    ? ImageFormat.RAW.qemuName() : ImageFormat.QCOW2.qemuName();
        }
    }

    /** {@code qemu-img bitmap --add --enable}: a new persistent bitmap recording from now (image not in use). */
    static void addBitmap(Path image, String name) throws IOException {
        Tool.run(List.of("qemu-img", "bitmap", "--add", "--enable", image.toAbsolutePath().toString(), name), TIMEOUT,
                "qemu-img bitmap --add " + name + " on " + image);
    }

    /** {@code qemu-img bitmap --remove} (image not in use). */
    static void removeBitmap(Path image, String name) throws IOException {
        Tool.run(List.of("qemu-img", "bitmap", "--remove", image.toAbsolutePath().toString(), name), TIMEOUT,
                "qemu-img bitmap --remove " + name + " on " + image);
    }

    /**
     * A qcow2 overlay of {@code size} bytes whose backing is a raw image at {@code backing} (an NBD URI such as
     * {@code nbd+unix:///vda?socket=/run/x.sock}), created without opening the backing ({@code -u}).
     */
    static void createOverlay(Path image, String backing, long size) throws IOException {
        List<String> command = List.of("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-F", "raw", "-b", backing,
                image.toAbsolutePath().toString(), Long.toString(size));
        Tool.run(command, TIMEOUT, "qemu-img create of overlay " + image);
    }
}
