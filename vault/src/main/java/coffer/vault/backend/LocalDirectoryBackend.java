package coffer.vault.backend;

import coffer.vault.fs.FileTree;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Objects as files under one directory (one file system: {@link #sync()} covers one); an object name is its
 * relative path.
 *
 * <p>{@link #putIfAbsent} (chunks, and the config) writes a file without a name ({@code O_TMPFILE}) in the object's
 * directory and names it by {@code linkat(2)}, which fails atomically when the target exists, so readers see whole
 * objects only and a killed writer leaves nothing behind (the kernel frees an unnamed inode). Where the kernel or
 * the file system has no unnamed files, or neither way of linking one is permitted (a kernel before 6.10 without
 * {@code CAP_DAC_READ_SEARCH}, and no /proc), this is found at its first write and it writes as {@link #put} does
 * from then on ({@link Publishing}). Any other write goes to a temporary {@code <name>~tmp~<random>} in the writing
 * process's own directory {@code ~tmp~/<host>.<pid>.<start>.<random>/} and is published by {@code rename(2)}
 * ({@link #put}) or {@code link(2)} ({@link #putIfAbsent} without unnamed files). Temporaries are never listed. A
 * writer killed mid-write leaves its directory behind: the next writer on the same host removes the directories
 * of dead processes at its first write (and at most once a minute after), so a killed backup's temporaries do not
 * outlive the next backup; {@link #removeAbandonedUploads} (gc) removes those of writers on other hosts after its
 * grace period. {@link #sync()} is {@code syncfs(2)} of
 * the file system holding the directory, one barrier for all preceding writes instead of one {@code fsync} per
 * chunk; each new file's write-back is started as it is written ({@link NewFile}), so little is left for it. A
 * writer's {@link #syncSet()} fsyncs the few objects it names (and their directories) instead, and beyond
 * {@link NamedFileSync#MOST_NAMES} of them syncs the file system ({@link NamedFileSync}).
 * Objects are created with mode 0600 and directories with 0700 ({@link OwnerOnly}): a vault holds guest data.
 *
 * <p>Thread-safe and safe across processes.
 */
public final class LocalDirectoryBackend implements Backend {
    static final String TEMP_MARK = "~tmp~";
    /** How often a writer looks for temporaries of dead writers. */
    private static final Duration DEAD_WRITER_CHECK = Duration.ofMinutes(1);

    private final Path root;
    private final WriterDirectory writer;
    private volatile Instant deadWritersChecked = Instant.EPOCH;
    private volatile Publishing publishing;
    /**
     * Whether new chunks are written with {@code O_DIRECT} ({@link NewFile#writeUnnamed(Path, ByteBuffer, boolean)}):
     * until the file system refuses it, or when {@code coffer.chunkWrites} (environment {@code COFFER_CHUNK_WRITES})
     * is {@code buffered}.
     */
    private volatile boolean directWrites = !"buffered".equals(System.getProperty("coffer.chunkWrites",
            System.getenv("COFFER_CHUNK_WRITES")));
    private final Durability durability;

    /**
     * How {@link #putIfAbsent} writes a new object: decided at its first write (threads writing at once may each
     * try), then kept for the backend's life.
     */
    enum Publishing {
        /** Not known yet: the next write tries an unnamed file linked through its descriptor, then /proc. */
        UNDECIDED,
        /** An unnamed file, linked through its descriptor ({@code AT_EMPTY_PATH}). */
        UNNAMED_DESCRIPTOR,
        /** An unnamed file, linked through {@code /proc/self/fd/<n>}. */
        UNNAMED_PROC,
        /** A named temporary in this process's directory, linked and then removed. */
        NAMED
    }

    public LocalDirectoryBackend(Path root) {
        this(root, NewFile.unnamedFiles() ? Publishing.UNDECIDED : Publishing.NAMED);
    }

    /** A backend that starts out publishing as {@code publishing} says (tests force each way). */
    LocalDirectoryBackend(Path root, Publishing publishing) {
        this(root, publishing, Durability.SYSTEM);
    }

    /** A backend whose {@code fsync} and {@code syncfs} go through {@code durability} (tests record them). */
    LocalDirectoryBackend(Path root, Publishing publishing, Durability durability) {
        this.root = root.toAbsolutePath().normalize();
        this.writer = WriterDirectory.ofThisProcess(this.root.resolve(TEMP_MARK));
        this.publishing = publishing;
        this.durability = durability;
    }

    /** Whether {@link #putIfAbsent} writes large objects with {@code O_DIRECT} now. */
    boolean directWrites() {
        return directWrites;
    }

    /** How {@link #putIfAbsent} writes now. */
    Publishing publishing() {
        return publishing;
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String name, ByteBuffer data) throws IOException {
        Path target = pathOf(name);
        Path temp = writeTemp(target, data);
        try {
            intoDirectory(target, () -> Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING));
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw failure("publish", name, e);
        }
    }

    /**
     * {@code linkat(2)} (or {@code link(2)}) alone decides whether the object exists: no {@code stat} first. The
     * callers that often find their object present (a backup's and a replication's chunk writers) ask
     * {@link #exists} before they seal it, so a second look here would cost every new chunk one more system call.
     */
    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
        Path target = pathOf(name);
        if (publishing != Publishing.NAMED) {
            Outcome outcome = putUnnamed(name, target, data);
            if (outcome != Outcome.REFUSED) {
                return outcome == Outcome.CREATED;
            }
        }
        Path temp = writeTemp(target, data);
        try {
            intoDirectory(target, () -> Files.createLink(target, temp));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw failure("publish", name, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** What {@link #putUnnamed} did. */
    private enum Outcome {
        CREATED,
        EXISTED,
        /** Unnamed files are refused here: written as a named temporary instead, from now on. */
        REFUSED
    }

    /**
     * Writes {@code data} into an unnamed file in the target's directory (made when missing) and names it
     * {@code target}: five system calls for a new chunk ({@code open}, {@code write}, {@code sync_file_range}; written
     * with {@code O_DIRECT}, an {@code fcntl} and the last part block's {@code write} too, {@code linkat}, {@code close}) where a named temporary takes
     * seven (its {@code link}, and the {@code lstat} and {@code unlink} of the JDK's {@code Files.deleteIfExists}),
     * and no directory entry to remove.
     */
    private Outcome putUnnamed(String name, Path target, ByteBuffer data) throws IOException {
        NewFile.Unnamed file;
        try {
            removeTemporariesOfDeadWriters(); // what put's temporaries of killed writers left
            file = writeUnnamed(target.getParent(), data);
        } catch (IOException e) {
            throw failure("write", name, e);
        }
        if (file == null) {
            return Outcome.REFUSED;
        }
        try (file) {
            return link(file, target);
        } catch (IOException e) {
            throw failure("publish", name, e);
        }
    }

    /** The unnamed file, or {@code null} when the file system or the kernel has none (decided: {@link Publishing#NAMED}). */
    private NewFile.Unnamed writeUnnamed(Path directory, ByteBuffer data) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                boolean direct = directWrites;
                NewFile.Unnamed file = NewFile.writeUnnamed(directory, data, direct);
                if (direct && !file.direct() && data.remaining() >= NewFile.DIRECT_FROM) {
                    directWrites = false; // refused here: through the page cache from now on
                }
                return file;
            } catch (NewFile.UnnamedFilesRefused refused) {
                publishing = Publishing.NAMED;
                return null;
            } catch (NoSuchFileException directoryMissing) {
                if (attempt == 5) {
                    throw directoryMissing;
                }
                OwnerOnly.createDirectories(directory);
            }
        }
    }

    /**
     * Names {@code file} {@code target}, making the target's directory when it is missing (removed meanwhile: a
     * delete of its last object removes an emptied directory). While undecided, a link that fails although the
     * directory is there was refused its source: the descriptor is tried, then /proc, then nothing (the caller
     * writes a named temporary; the unnamed file is freed when closed).
     */
    private Outcome link(NewFile.Unnamed file, Path target) throws IOException {
        Path directory = target.getParent();
        boolean deciding = publishing == Publishing.UNDECIDED;
        NewFile.Source source = publishing == Publishing.UNNAMED_PROC ? NewFile.Source.PROC : NewFile.Source.DESCRIPTOR;
        for (int attempt = 1; ; attempt++) {
            try {
                boolean created = file.link(target, source);
                if (deciding) {
                    publishing = source == NewFile.Source.PROC ? Publishing.UNNAMED_PROC : Publishing.UNNAMED_DESCRIPTOR;
                }
                return created ? Outcome.CREATED : Outcome.EXISTED;
            } catch (NoSuchFileException missing) {
                if (attempt == 5) {
                    throw missing;
                }
                if (!Files.isDirectory(directory)) {
                    OwnerOnly.createDirectories(directory);
                } else if (deciding && source == NewFile.Source.DESCRIPTOR) {
                    source = NewFile.Source.PROC;
                } else if (deciding) {
                    publishing = Publishing.NAMED;
                    return Outcome.REFUSED;
                }
            }
        }
    }

    /** A step that puts a file into its directory. */
    private interface Publish {
        void run() throws IOException;
    }

    /**
     * Runs {@code publish}; when the target's directory does not exist (not made yet: writers do not look before
     * they publish; or removed meanwhile: a delete of its last object removes an emptied directory), makes it and
     * tries again. A directory found present after a failure was made meanwhile by another writer: tried again
     * too. At most five tries, so a temporary that is itself gone fails the publish.
     */
    private static void intoDirectory(Path target, Publish publish) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                publish.run();
                return;
            } catch (NoSuchFileException directoryMissing) {
                if (attempt == 5) {
                    throw directoryMissing;
                }
                if (!Files.isDirectory(target.getParent())) {
                    OwnerOnly.createDirectories(target.getParent());
                }
            }
        }
    }

    /**
     * Removes {@code dir} and its parents below the root while they are empty, so that deleted points (and
     * failed or killed backups) leave no directory behind for listings to step through.
     */
    private void removeEmptyDirectories(Path dir) {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (IOException notEmptyOrGone) {
                return;
            }
        }
    }

    @Override
    public ByteBuffer get(String name) throws IOException {
        Path path = pathOf(name);
        if (Files.isDirectory(path)) {
            throw new ObjectNotFoundException(describe(), name); // a prefix of objects, not an object
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 64) {
                throw new BackendException("object '" + name + "' is too large to read whole: " + size + " bytes",
                        false, null);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, buffer.position()) < 0) {
                    throw new BackendException("object '" + name + "' shrank while being read", true, null);
                }
            }
            return buffer.flip();
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(describe(), name);
        } catch (BackendException e) {
            throw e;
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(pathOf(name), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty(); // a prefix of objects, not an object
            }
            return Optional.of(new ObjectInfo(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("stat", name, e);
        }
    }

    /** A plain {@code stat(2)} without building an exception for a missing object (this runs once per chunk). */
    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(pathOf(name));
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            Path path = pathOf(name);
            if (!Files.isDirectory(path) && Files.deleteIfExists(path)) { // a directory is a prefix, not an object
                removeEmptyDirectories(path.getParent());
            }
        } catch (IOException e) {
            throw failure("delete", name, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectNames.checkPrefix(prefix);
        List<ObjectInfo> result = new ArrayList<>();
        walk(path -> {
            String name = nameOf(path);
            if (name.startsWith(prefix) && !name.contains(TEMP_MARK)) {
                try {
                    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                    result.add(new ObjectInfo(name, a.size(), a.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException deletedMeanwhile) {
                    // listing and deleting may overlap; a vanished object is simply not listed
                }
            }
        }, prefix);
        return result;
    }

    /** One directory read, where {@link #list} would stat every object below. */
    @Override
    public List<String> listChildren(String prefix) throws IOException {
        ObjectNames.checkChildPrefix(prefix);
        Path directory = root.resolve(prefix);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (var entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.contains(TEMP_MARK)).sorted().toList();
        } catch (NoSuchFileException deletedMeanwhile) {
            return List.of();
        }
    }

    @Override
    public void sync() throws IOException {
        if (!Files.isDirectory(root)) {
            return; // nothing written yet
        }
        try {
            durability.syncFileSystemOf(root);
        } catch (IOException e) {
            throw failure("sync", "", e);
        }
    }

    /** Up to {@link NamedFileSync#MOST_NAMES} objects fsynced by name, beyond that the file system ({@link #sync()}). */
    @Override
    public SyncSet syncSet() {
        return new NamedFileSync(this);
    }

    /**
     * {@code fsync(2)} of each named object, then of each directory from theirs up to the root: an object's name (and
     * a directory made for it) is durable only once its directory is. Every object must exist.
     */
    void syncNamed(java.util.Collection<String> names) throws IOException {
        java.util.Set<Path> directories = new java.util.LinkedHashSet<>();
        for (String name : names) {
            Path path = pathOf(name);
            try {
                durability.force(path);
            } catch (IOException e) {
                throw failure("sync", name, e);
            }
            for (Path d = path.getParent(); d != null && d.startsWith(root); d = d.getParent()) {
                directories.add(d);
            }
        }
        for (Path directory : directories) {
            try {
                durability.force(directory);
            } catch (IOException e) {
                throw failure("sync", nameOf(directory), e);
            }
        }
    }

    @Override
    public int removeAbandonedUploads(Instant olderThan) throws IOException {
        int[] removed = {WriterDirectory.removeDead(root.resolve(TEMP_MARK))};
        walk(path -> {
            if (path.getFileName().toString().contains(TEMP_MARK)) {
                try {
                    if (Files.getLastModifiedTime(path).toInstant().isBefore(olderThan)) {
                        Files.deleteIfExists(path);
                        removed[0]++;
                    }
                } catch (NoSuchFileException gone) {
                    // finished or removed meanwhile
                }
            }
        }, "");
        WriterDirectory.removeEmpty(root.resolve(TEMP_MARK), olderThan, writer);
        return removed[0];
    }

    /** Removes this process's (empty) directory of temporaries. */
    @Override
    public void close() throws IOException {
        writer.remove();
    }

    @Override
    public String describe() {
        return "local directory " + root;
    }

    private Path pathOf(String name) {
        return root.resolve(ObjectNames.check(name));
    }

    private String nameOf(Path path) {
        return root.relativize(path).toString().replace('\\', '/');
    }

    /**
     * Writes {@code data} into a new temporary in this process's directory and starts its write-back ({@link
     * NewFile}). The target's directory is not looked at here: publishing makes it when missing ({@link
     * #intoDirectory}), so a chunk costs no {@code stat} of it; this process's directory is made at the first
     * write, and again if gc removed it while it was empty.
     */
    private Path writeTemp(Path target, ByteBuffer data) throws IOException {
        Path temp = null;
        try {
            removeTemporariesOfDeadWriters();
            temp = writer.path().resolve(target.getFileName() + TEMP_MARK
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                NewFile.write(temp, data);
            } catch (NoSuchFileException writerDirectoryMissing) {
                writer.ensure();
                NewFile.write(temp, data);
            }
            return temp;
        } catch (IOException e) {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
            throw failure("write", nameOf(target), e);
        }
    }

    /** At the first write, then at most once a minute: removes the temporaries of dead writers of this host. */
    private void removeTemporariesOfDeadWriters() throws IOException {
        Instant now = Instant.now();
        if (deadWritersChecked.plus(DEAD_WRITER_CHECK).isBefore(now)) {
            deadWritersChecked = now;
            WriterDirectory.removeDead(root.resolve(TEMP_MARK));
        }
    }

    /**
     * Streams {@code content} into a temporary in this process's directory and publishes it by {@code rename(2)}, as
     * {@link #put} does; a failure removes the temporary (a killed writer's is removed as {@link #put}'s is).
     */
    @Override
    public void putStream(String name, long length, Content content) throws IOException {
        Path target = pathOf(name);
        removeTemporariesOfDeadWriters();
        Path temp = writer.path().resolve(target.getFileName() + TEMP_MARK
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean published = false;
        try (FileChannel channel = createTemp(temp, name)) {
            CountingChannelOutput out = new CountingChannelOutput(channel, name);
            java.io.OutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
            content.writeTo(buffered); // its own failure (a cancel, a spool that cannot be read) passes as it is
            try {
                buffered.flush();
            } catch (IOException e) {
                throw failure("write", name, e);
            }
            if (out.count != length) {
                throw new IllegalArgumentException("'" + name + "': wrote " + out.count + " bytes, " + length + " declared");
            }
            try {
                intoDirectory(target, () -> Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING));
            } catch (IOException e) {
                throw failure("publish", name, e);
            }
            published = true;
        } finally {
            if (!published) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private FileChannel createTemp(Path temp, String name) throws IOException {
        try {
            return openTemp(temp);
        } catch (IOException e) {
            throw failure("write", name, e);
        }
    }

    private FileChannel openTemp(Path temp) throws IOException {
        try {
            return FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.file());
        } catch (NoSuchFileException writerDirectoryMissing) {
            writer.ensure();
            return FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.file());
        }
    }

    /** Writes to a channel, counting; its failures are the backend's. */
    private final class CountingChannelOutput extends java.io.FilterOutputStream {
        private final String name;
        long count;

        CountingChannelOutput(FileChannel channel, String name) {
            super(java.nio.channels.Channels.newOutputStream(channel));
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw failure("write", name, e);
            }
            count += len;
        }
    }

    @Override
    public java.io.InputStream getStream(String name) throws IOException {
        Path path = pathOf(name);
        if (Files.isDirectory(path)) {
            throw new ObjectNotFoundException(describe(), name);
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(describe(), name);
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    /**
     * The regular files under the prefix's directory. Entries removed meanwhile (a released lock, a deleted
     * point) are skipped: a walk that ended at the first one would silently miss objects, and gc live points.
     */
    private void walk(FileTree.Visitor visitor, String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        try {
            FileTree.walkFiles(start, visitor);
        } catch (IOException e) {
            throw failure("list", prefix, e);
        }
    }

    private BackendException failure(String action, String name, IOException cause) {
        if (cause instanceof BackendException be) {
            return be;
        }
        boolean permanent = cause instanceof AccessDeniedException
                || (cause instanceof FileSystemException fse && fse.getReason() != null
                && (fse.getReason().contains("No space") || fse.getReason().contains("Read-only")));
        return new BackendException("cannot " + action + " '" + name + "' in " + describe() + ": " + cause,
                !permanent, cause);
    }
}
