package coffer.virt.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code qemu-img}: image facts (with the format always given), bitmaps and image creation. Paths are passed absolute, so QEMU never reads a
 * file name as a protocol prefix ({@code nbd:}, {@code json:}).
 *
 * <p>Stateless; thread-safe.
 */
final class QemuImg {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private QemuImg() {
    }

    /**
     * Runs {@code qemu-img info -f FORMAT --output=json --force-share} on an existing, readable image. The
     * format is always given: probed, a guest's raw disk could claim any format it likes. Without
     * {@code --backing-chain} qemu-img opens no backing file (it only reports its name). Force-share lets it read
     * the header of an image a running QEMU holds open (read-only, so it cannot disturb it).
     */
    static ImageInfo info(Path image, String format) throws IOException {
        List<String> command = List.of("qemu-img", "info", "-f", format, "--output=json", "--force-share",
                image.toAbsolutePath().toString());
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
        JsonNode backing = root.path("backing-filename");
        return new ImageInfo(format.asText(), size.asLong(), root.path("actual-size").asLong(-1),
                backing.isTextual() ? Optional.of(backing.asText()) : Optional.empty(), bitmaps, inconsistent);
    }

    /**
     * {@code qemu-img bitmap -f qcow2 --add --enable}: a new persistent bitmap recording from now (image not in
     * use). Persistent bitmaps exist only in qcow2, and the format is given, never probed.
     */
    static void addBitmap(Path image, String name) throws IOException {
        Tool.run(List.of("qemu-img", "bitmap", "-f", "qcow2", "--add", "--enable", image.toAbsolutePath().toString(),
                        name), TIMEOUT,
                "qemu-img bitmap --add " + name + " on " + image);
    }

    /** {@code qemu-img bitmap -f qcow2 --remove} (image not in use). */
    static void removeBitmap(Path image, String name) throws IOException {
        Tool.run(List.of("qemu-img", "bitmap", "-f", "qcow2", "--remove", image.toAbsolutePath().toString(), name),
                TIMEOUT,
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

    /** {@code qemu-img create -f qcow2} of an empty image of {@code size} bytes, without a backing file. */
    static void createEmptyQcow2(Path image, long size) throws IOException {
        Tool.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", image.toAbsolutePath().toString(),
                Long.toString(size)), TIMEOUT, "qemu-img create of " + image);
    }

    /**
     * Where the guest range {@code [start, start + length)} of {@code image} lies in the image file itself
     * ({@code qemu-img map --output=json --force-share} of a {@code json:} description that opens the file alone: no
     * backing file, and the format given, never probed): the extents with data in this file and their host offsets,
     * ascending by guest offset. Ranges held by a backing file, zero or unallocated are left out.
     */
    static List<HostExtent> map(Path image, String format, long start, long length) throws IOException {
        var description = JSON.createObjectNode().put("driver", format);
        description.putObject("file").put("driver", "file").put("filename", image.toAbsolutePath().toString());
        if (!"raw".equals(format)) {
            description.putNull("backing");
        }
        List<String> command = List.of("qemu-img", "map", "--output=json", "--force-share",
                "--start-offset=" + start, "--max-length=" + length, "json:" + JSON.writeValueAsString(description));
        return parseMap(Tool.run(command, TIMEOUT, "qemu-img map of " + image), image);
    }

    /** Parses {@code qemu-img map --output=json}: the depth-0 data extents with a host offset; package-private for tests. */
    static List<HostExtent> parseMap(String json, Path image) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (!root.isArray()) {
            throw new IOException("qemu-img map of " + image + " gave no list: " + json.strip());
        }
        List<HostExtent> extents = new ArrayList<>();
        for (JsonNode entry : root) {
            if (entry.path("depth").asInt(-1) == 0 && entry.path("data").asBoolean(false)
                    && entry.path("offset").canConvertToLong() && entry.path("length").asLong(0) > 0) {
                extents.add(new HostExtent(entry.path("start").asLong(), entry.path("length").asLong(),
                        entry.path("offset").asLong()));
            }
        }
        return extents;
    }
}
