package coffer.virt.image;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
     * Where the guest range from {@code start} to the disk's end of {@code image} lies in the image file itself, up
     * to {@code maxExtents} extents ({@code qemu-img map --output=json --force-share} of a {@code json:} description
     * that opens the file alone: no backing file, and the format given, never probed): the extents with data in this
     * file and their host offsets, merged where they go on. Ranges held by a backing file, zero or unallocated are left
     * out. The map is read as qemu-img writes it and qemu-img is stopped at the first extent beyond the limit: the map
     * then covers the guest range up to that extent's start, else up to the disk's end.
     */
    static HostMap mapFrom(Path image, String format, long start, int maxExtents) throws IOException {
        var description = JSON.createObjectNode().put("driver", format);
        description.putObject("file").put("driver", "file").put("filename", image.toAbsolutePath().toString());
        if (!"raw".equals(format)) {
            description.putNull("backing");
        }
        List<String> command = List.of("qemu-img", "map", "--output=json", "--force-share",
                "--start-offset=" + start, "json:" + JSON.writeValueAsString(description));
        String what = "qemu-img map of " + image;
        return Tool.stream(command, TIMEOUT, what, out -> {
            try (JsonParser parser = JSON.createParser(out)) {
                HostMap.Builder map = new HostMap.Builder(start, maxExtents);
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    throw new IOException(what + " gave no list");
                }
                long to = start;
                JsonToken token;
                while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                    JsonNode entry = parser.readValueAsTree();
                    long at = entry.path("start").asLong(-1);
                    long length = entry.path("length").asLong(-1);
                    if (at != to || length < 0) {
                        throw new IOException(what + " gave " + entry + " where guest offset " + to + " was next");
                    }
                    if (length > 0 && entry.path("depth").asInt(-1) == 0 && entry.path("data").asBoolean(false)
                            && entry.path("offset").canConvertToLong()
                            && !map.add(at, length, entry.path("offset").asLong())) {
                        return map.build(at); // what the limit takes: qemu-img is stopped
                    }
                    to = at + length;
                }
                // read to its end, so that its exit is checked
                if (token != JsonToken.END_ARRAY || parser.nextToken() != null) {
                    throw new IOException(what + " gave no whole list");
                }
                return map.build(Long.MAX_VALUE);
            }
        });
    }
}
