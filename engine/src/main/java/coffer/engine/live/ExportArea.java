package coffer.engine.live;

import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a server keeps exported archives: {@code <dataDir>/exports/<export id>.tar.zst}, owner-only. Names come from
 * the export's id (a job id Coffer made), never from anything a guest's file system holds; an archive is written to
 * {@code <id>.tar.zst.part} and renamed when complete, so a download never sees half an archive.
 *
 * <p>Thread-safe (stateless apart from its directory).
 */
public final class ExportArea {
    private static final String SUFFIX = ".tar.zst";
    private static final String PART = ".part";

    private final Path dir;

    public ExportArea(Path dir) {
        this.dir = dir;
    }

    public Path directory() {
        return dir;
    }

    /** The finished archive of export {@code id}. */
    public Path archive(String id) {
        return dir.resolve(checked(id) + SUFFIX);
    }

    /** The archive being written, created owner-only (and the area, when missing). */
    public Path startArchive(String id) throws IOException {
        OwnerOnly.createDirectories(dir);
        Path part = dir.resolve(checked(id) + SUFFIX + PART);
        Files.deleteIfExists(part);
        return Files.createFile(part, OwnerOnly.file());
    }

    /** Publishes a written archive under its final name. */
    public Path finish(String id) throws IOException {
        return Files.move(dir.resolve(checked(id) + SUFFIX + PART), archive(id), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes what export {@code id} wrote, finished or not; whether anything was there. */
    public boolean remove(String id) throws IOException {
        boolean part = Files.deleteIfExists(dir.resolve(checked(id) + SUFFIX + PART));
        return Files.deleteIfExists(archive(id)) || part;
    }

    /** Ids of unfinished archives (a killed export's leftovers, or one being written). */
    public List<String> unfinished() throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX + PART))
                    .forEach(n -> ids.add(n.substring(0, n.length() - SUFFIX.length() - PART.length())));
        }
        return ids;
    }

    private static String checked(String id) {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("an export id is 1 to 64 letters, digits or '-', not " + id);
        }
        return id;
    }
}
