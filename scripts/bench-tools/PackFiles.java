import coffer.vault.ChunkId;
import coffer.vault.backend.LocalDirectoryBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The cost of one stored file per chunk (docs/format/pack-files.md, a design not implemented; docs/performance.md,
 * session 25): the same bytes written as one file per chunk and appended to a few pack files, each way followed by
 * one {@code syncfs} as a backup's first barrier. Ways:
 * <ul>
 *   <li>{@code files}: through the vault's own local directory backend as a backup's chunk writers do ({@code exists},
 *       then {@code putIfAbsent}: an unnamed file written through the page cache, linked, closed);</li>
 *   <li>{@code direct}: one file per chunk written by this harness with {@code O_DIRECT} as a session-25 trial of the
 *       backend did (not kept: docs/performance.md, session 25; whole blocks from an aligned copy, the last part block through the page cache), whatever the
 *       backend was built or told to do;</li>
 *   <li>{@code packs}: appended to one pack file per writer thread ({@code write} and {@code sync_file_range} of the
 *       range, through the same critical native call), no {@code stat} per chunk.</li>
 * </ul>
 * Prints per way: the writer threads' CPU (user + system, thread CPU time: holds better than wall on a loaded
 * machine), the process's CPU, the wall times of the writes and of the barrier. The kernel's write-back threads'
 * CPU is not counted.
 *
 *   java --enable-native-access=ALL-UNNAMED -cp app/target/coffer.jar scripts/bench-tools/PackFiles.java \
 *        DIR CHUNKS CHUNK_BYTES THREADS ROUNDS [WAYS]
 *
 * The chunks are random bytes (as sealed chunks are), CHUNK_BYTES each (a full of the benchmark's disks stores 6,656
 * chunks of 333 KB on average), each with its own id; the ways alternate ROUNDS times after a warm-up round (not
 * printed), each into a new directory (the previous one removed first).
 */
public class PackFiles {
    static final int O_WRONLY = 1, O_CREAT = 0100, O_APPEND = 02000, O_CLOEXEC = 02000000;
    static final int SYNC_FILE_RANGE_WRITE = 2;
    static final int O_DIRECT = 040000, O_TMPFILE = 020200000, AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;
    static final int F_SETFL = 4;
    static final MethodHandle OPEN, WRITE, SYNC_FILE_RANGE, CLOSE, FCNTL, LINKAT;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        OPEN = linker.downcallHandle(libc.findOrThrow("open"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        WRITE = linker.downcallHandle(libc.findOrThrow("write"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
        SYNC_FILE_RANGE = linker.downcallHandle(libc.findOrThrow("sync_file_range"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        FCNTL = linker.downcallHandle(libc.findOrThrow("fcntl"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        LINKAT = linker.downcallHandle(libc.findOrThrow("linkat"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }

    record Result(double threadCpu, double processCpu, double writeWall, double syncWall) {
    }

    public static void main(String[] args) throws Throwable {
        Path dir = Path.of(args[0]);
        int chunks = Integer.parseInt(args[1]);
        int chunkBytes = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        String[] ways = args.length > 5 ? args[5].split(",") : new String[] {"files", "packs"};
        // 64 distinct random bodies, reused (their content does not matter to the file system), each chunk its own id
        Random random = new Random(25);
        byte[][] bodies = new byte[64][chunkBytes];
        for (byte[] body : bodies) {
            random.nextBytes(body);
        }
        String[] names = new String[chunks];
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < chunks; i++) {
            names[i] = ChunkId.of(sha.digest(("chunk " + i).getBytes()), 0).objectName();
        }
        System.out.printf("%d chunks of %d bytes (%.0f MB), %d writer threads, %s%n", chunks, chunkBytes,
                chunks * (double) chunkBytes / 1e6, threads, dir);
        System.out.println("way        writers' CPU  process CPU  writes wall  syncfs wall  per chunk (writers' CPU)");
        for (int r = 0; r < rounds + 1; r++) {
            for (String way : ways) {
                Path root = dir.resolve(way);
                remove(root);
                Files.createDirectories(root);
                Result result = switch (way) {
                    case "files" -> files(root, names, bodies, threads);
                    case "direct" -> direct(root, names, bodies, threads);
                    default -> packs(root, names, bodies, threads);
                };
                if (r == 0) {
                    continue; // warm-up round: compiled code, the file system's free space found once
                }
                System.out.printf("%-9s %10.2f s %10.2f s %10.2f s %10.2f s %14.0f µs%n", way, result.threadCpu,
                        result.processCpu, result.writeWall, result.syncWall, result.threadCpu * 1e6 / chunks);
            }
        }
        for (String way : ways) {
            remove(dir.resolve(way));
        }
    }

    interface Work {
        void run(int worker, int chunk) throws Throwable;
    }

    static Result run(LocalDirectoryBackend backend, int chunks, int threads, Work work, Runnable end) throws Throwable {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long process0 = os.getProcessCpuTime();
        AtomicLong threadCpu = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            workers.add(Thread.ofPlatform().start(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                try {
                    for (int i; (i = next.getAndIncrement()) < chunks; ) {
                        work.run(worker, i);
                    }
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                }
                threadCpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
        end.run();
        long t1 = System.nanoTime();
        backend.sync();
        long t2 = System.nanoTime();
        return new Result(threadCpu.get() / 1e9, (os.getProcessCpuTime() - process0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    static Result files(Path root, String[] names, byte[][] bodies, int threads) throws Throwable {
        LocalDirectoryBackend backend = new LocalDirectoryBackend(root);
        return run(backend, names.length, threads, (w, i) -> {
            if (!backend.exists(names[i])) {
                backend.putIfAbsent(names[i], ByteBuffer.wrap(bodies[i % bodies.length]));
            }
        }, () -> { });
    }

    /**
     * One file per chunk as {@link #files}, written with {@code O_DIRECT} as a session-25 trial of the backend did (not kept): the
     * whole 4 KiB blocks copied into an aligned buffer and written past the page cache, then {@code O_DIRECT} cleared
     * and the last part block written through the page cache.
     */
    static Result direct(Path root, String[] names, byte[][] bodies, int threads) throws Throwable {
        LocalDirectoryBackend backend = new LocalDirectoryBackend(root);
        int whole = bodies[0].length & -4096;
        ThreadLocal<MemorySegment> buffers = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(whole, 4096));
        return run(backend, names.length, threads, (w, i) -> {
            if (backend.exists(names[i])) {
                return;
            }
            Path target = root.resolve(names[i]);
            byte[] body = bodies[i % bodies.length];
            MemorySegment buffer = buffers.get();
            MemorySegment.copy(MemorySegment.ofArray(body), 0, buffer, 0, whole);
            try (Arena arena = Arena.ofConfined()) {
                int fd = (int) OPEN.invokeExact(arena.allocateFrom(target.getParent().toString()), O_TMPFILE | O_WRONLY | O_DIRECT | O_CLOEXEC, 0600);
                if (fd < 0) {
                    Files.createDirectories(target.getParent());
                    fd = (int) OPEN.invokeExact(arena.allocateFrom(target.getParent().toString()), O_TMPFILE | O_WRONLY | O_DIRECT | O_CLOEXEC, 0600);
                }
                if (fd < 0) {
                    throw new IllegalStateException("open failed");
                }
                MemorySegment tail = MemorySegment.ofArray(body).asSlice(whole);
                if ((long) WRITE.invokeExact(fd, buffer, (long) whole) != whole || (int) FCNTL.invokeExact(fd, F_SETFL, 0) != 0
                        || (long) WRITE.invokeExact(fd, tail, tail.byteSize()) != tail.byteSize()
                        || (int) LINKAT.invokeExact(fd, arena.allocateFrom(""), AT_FDCWD, arena.allocateFrom(target.toString()), AT_EMPTY_PATH) != 0) {
                    throw new IllegalStateException("write or link failed");
                }
                int ignored = (int) SYNC_FILE_RANGE.invokeExact(fd, (long) whole, tail.byteSize(), SYNC_FILE_RANGE_WRITE);
                ignored = (int) CLOSE.invokeExact(fd);
            }
        }, () -> { });
    }

    static Result packs(Path root, String[] names, byte[][] bodies, int threads) throws Throwable {
        LocalDirectoryBackend backend = new LocalDirectoryBackend(root);
        int[] fds = new int[threads];
        long[] ends = new long[threads];
        try (Arena arena = Arena.ofShared()) {
            Files.createDirectories(root.resolve("packs"));
            for (int w = 0; w < threads; w++) {
                fds[w] = (int) OPEN.invokeExact(arena.allocateFrom(root.resolve("packs/" + w).toString()),
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                if (fds[w] < 0) {
                    throw new IllegalStateException("open failed");
                }
            }
            return run(backend, names.length, threads, (w, i) -> {
                MemorySegment bytes = MemorySegment.ofArray(bodies[i % bodies.length]);
                long done = 0;
                while (done < bytes.byteSize()) {
                    long n = (long) WRITE.invokeExact(fds[w], bytes.asSlice(done), bytes.byteSize() - done);
                    if (n < 0) {
                        throw new IllegalStateException("write failed");
                    }
                    done += n;
                }
                int ignored = (int) SYNC_FILE_RANGE.invokeExact(fds[w], ends[w], done, SYNC_FILE_RANGE_WRITE);
                ends[w] += done;
            }, () -> {
                try {
                    for (int fd : fds) {
                        int ignored = (int) CLOSE.invokeExact(fd);
                    }
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            });
        }
    }

    static void remove(Path root) throws Exception {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
