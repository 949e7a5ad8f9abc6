package coffer.vault.backend;

import coffer.vault.BootId;
import coffer.vault.EarlierBoots;
import coffer.vault.HostName;
import coffer.vault.MachineId;
import coffer.vault.TrailingIds;
import coffer.vault.fs.FileTree;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The directory where one process's {@link LocalDirectoryBackend} writes its temporaries:
 * {@code ~tmp~/<host>.<pid>.<start>.<random>.<boot>.<machine>} under the vault ({@code <boot>}: the boot id,
 * {@link BootId}, since session 22; {@code <machine>}: the machine id, {@link MachineId}, since session 24;
 * docs/format/lock.md). Its name says whose it is, so that a later writer on the same host can tell a dead writer's
 * leftovers from a live writer's work without reading any file: of this boot, the pid is gone or belongs to a process
 * started at another time (a reused pid); of an earlier boot of this machine ({@link BootId#earlierBootOfThisMachine}),
 * it is gone whatever its pid. A directory of another boot (another machine of the same host name writing to a shared
 * file system, even one sharing the machine id, or this one before a reboot its boot history does not hold) is never
 * judged by its pid here: it is left to the removal of empty directories. A name of an earlier form is judged as
 * before: without the machine id by its boot, without the boot by its host.
 *
 * <p>Immutable apart from the directory on disk; thread-safe.
 */
final class WriterDirectory {
    private static final String HOST = hostToken();

    private final Path path;

    private WriterDirectory(Path path) {
        this.path = path;
    }

    /** This host's token in directory names. */
    static String host() {
        return HOST;
    }

    static WriterDirectory ofThisProcess(Path parent) {
        ProcessHandle self = ProcessHandle.current();
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        String boot = BootId.get();
        String machine = MachineId.get();
        EarlierBoots.rememberThisBoot(); // so that after a reboot this boot's directories are known as this machine's
        return new WriterDirectory(parent.resolve(HOST + "." + self.pid() + "." + startOf(self) + "."
                + HexFormat.of().formatHex(random) + (boot == null ? "" : "." + boot)
                + (boot == null || machine == null ? "" : "." + machine)));
    }

    /** The directory, which may not exist yet. */
    Path path() {
        return path;
    }

    /** The directory, created if needed. */
    Path ensure() throws IOException {
        if (!Files.isDirectory(path)) {
            OwnerOnly.createDirectories(path);
        }
        return path;
    }

    void remove() throws IOException {
        FileTree.delete(path);
    }

    /** Removes the directories under {@code parent} of dead writers of this host; returns the files they held. */
    static int removeDead(Path parent) throws IOException {
        int[] removed = {0};
        forEach(parent, dir -> {
            if (deadWriterOfThisHost(dir.getFileName().toString())) {
                FileTree.walkFiles(dir, file -> removed[0]++);
                FileTree.delete(dir);
            }
        });
        return removed[0];
    }

    /** Removes empty directories under {@code parent} last changed before {@code olderThan}, except {@code mine}. */
    static void removeEmpty(Path parent, Instant olderThan, WriterDirectory mine) throws IOException {
        forEach(parent, dir -> {
            if (!dir.equals(mine.path) && Files.getLastModifiedTime(dir).toInstant().isBefore(olderThan)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    if (!entries.iterator().hasNext()) {
                        Files.deleteIfExists(dir);
                    }
                } catch (java.nio.file.DirectoryNotEmptyException | NoSuchFileException busyOrGone) {
                    // a writer put a temporary in it meanwhile, or it is gone already
                }
            }
        });
    }

    private static void forEach(Path parent, FileTree.Visitor visitor) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path dir : dirs) {
                try {
                    visitor.visit(dir);
                } catch (NoSuchFileException gone) {
                    // removed by another process meanwhile
                }
            }
        } catch (NoSuchFileException gone) {
            // no temporaries at all
        }
    }

    /**
     * Whether {@code name} ({@code <host>.<pid>.<start>.<random>.<boot>.<machine>}, or without {@code .<machine>} as
     * written before session 24, or without {@code .<boot>} too as before session 22) names a writer of this host that
     * is gone.
     */
    static boolean deadWriterOfThisHost(String name) {
        return deadWriterOf(name, HOST);
    }

    /**
     * Whether {@code name} names a writer of the host whose token is {@code host} that is gone: of this boot, its pid
     * no longer runs (or runs a process started at another time); of an earlier boot of this machine (its machine id
     * this machine's, its boot in this machine's boot history), whatever its pid. The name is read from the right
     * ({@link TrailingIds}: machine and boot if the last two fields are 32 hex digits each, else boot if the last is,
     * then random, start, pid; the host is what remains), so a host part with dots (never written: a token has none,
     * an FQDN's dots are written as {@code -}) would still read.
     */
    static boolean deadWriterOf(String name, String host) {
        TrailingIds reading = TrailingIds.readings(name, '.', 4).getFirst(); // as many ids as it ends with
        String[] parts = reading.head().split("\\.", -1);
        int last = parts.length - 1;
        if (last < 3 || !String.join(".", java.util.Arrays.copyOfRange(parts, 0, last - 2)).equals(host)) {
            return false;
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(parts[last - 2]);
            start = Long.parseLong(parts[last - 1]);
        } catch (NumberFormatException e) {
            return false;
        }
        return dead(pid, start, reading.boot(), reading.machine());
    }

    private static boolean dead(long pid, long start, String boot, String machine) {
        if (!BootId.sameBoot(boot)) {
            return BootId.earlierBootOfThisMachine(boot, machine);
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        long actual = startOf(process.get());
        return start != 0 && actual != 0 && actual != start; // the pid was reused by a newer process
    }

    private static long startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static String hostToken() {
        return token(HostName.get());
    }

    /**
     * A host name as written in directory names: lowercased, every character other than {@code [a-z0-9-]} (an FQDN's
     * dots among them) written as {@code -}, so that the name's dots separate its fields only.
     */
    static String token(String host) {
        String token = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return token.isEmpty() ? "host" : token;
    }
}
