package coffer.virt.libvirt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static coffer.virt.libvirt.WordCalls.callInt;
import static coffer.virt.libvirt.WordCalls.callPointer;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The plumbing under {@link Libvirt}: the {@code virConnectPtr}, the lock that lets {@link #close()} wait for
 * calls in flight, the move of calls off virtual threads, per-call arenas, and domain and checkpoint handles
 * looked up and freed around each use.
 *
 * <p>Thread-safe: calls hold the read lock, {@link #close()} the write lock.
 */
final class Connection {
    private static final int UUID_STRING_BUFLEN = 37;

    /** Platform threads for calls made on virtual threads (see {@link #onPlatformThread}); idle ones end after 60 s. */
    private static final ExecutorService PLATFORM_THREADS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("libvirt-call-", 0).factory());

    private final Native lib;
    private final MemorySegment pointer;
    private final String uri;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    private Connection(Native lib, MemorySegment pointer, String uri) {
        this.lib = lib;
        this.pointer = pointer;
        this.uri = uri;
    }

    /** {@code virConnectOpen(uri)}, then {@code virConnectGetURI} for the canonical URI. */
    static Connection open(Native lib, String uri) throws LibvirtException {
        if (uri.contains(":///embed")) {
            lib.requireEventLoop();
        }
        return onPlatformThread(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment connection = callPointer(lib.connectOpen, arena.allocateFrom(uri));
                if (isNull(connection)) {
                    throw lib.lastError("virConnectOpen('" + uri + "')");
                }
                String canonical = lib.takeString(callPointer(lib.connectGetUri, connection));
                return new Connection(lib, connection, canonical == null ? uri : canonical);
            }
        });
    }

    Native lib() {
        return lib;
    }

    /** The {@code virConnectPtr}; only for use inside {@link #locked}. */
    MemorySegment pointer() {
        return pointer;
    }

    String uri() {
        return uri;
    }

    boolean alive() {
        lock.readLock().lock();
        try {
            return !closed && callInt(lib.connectIsAlive, pointer) == 1;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** {@code virConnectClose} once, after calls in flight. */
    void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                callInt(lib.connectClose, pointer);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "libvirt connection " + uri;
    }

    /** Work with native memory from {@code arena}, freed when the call returns. */
    interface Body<T> {
        T apply(Arena arena) throws LibvirtException;
    }

    /** Work on a looked-up libvirt object (a domain or checkpoint), freed after. */
    interface OnHandle<T> {
        T apply(MemorySegment handle, Arena arena) throws LibvirtException;
    }

    /** A call that may fail with libvirt's error. */
    interface Call<T> {
        T call() throws LibvirtException;
    }

    /** Runs {@code body} under the read lock with a fresh arena, on a platform thread (see below). */
    <T> T locked(Body<T> body) throws LibvirtException {
        return onPlatformThread(() -> lockedHere(body));
    }

    /**
     * Runs {@code call} here on a platform thread; a virtual thread hands it to a platform thread and parks: a
     * thread in a native call pins its carrier, and libvirt calls block for as long as libvirtd, QEMU or the
     * guest agent take. The wait is not interruptible (the call completes either way); an interrupt stays set.
     */
    static <T> T onPlatformThread(Call<T> call) throws LibvirtException {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Future<T> result = PLATFORM_THREADS.submit(call::call);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case LibvirtException libvirtError -> throw libvirtError;
                        case RuntimeException runtime -> throw runtime;
                        case Error error -> throw error;
                        default -> throw new AssertionError(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T lockedHere(Body<T> body) throws LibvirtException {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            return body.apply(arena);
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T onDomain(String name, OnHandle<T> action) throws LibvirtException {
        Objects.requireNonNull(name, "domain name");
        return locked(arena -> {
            MemorySegment domain = callPointer(lib.domainLookupByName, pointer, arena.allocateFrom(name));
            if (isNull(domain)) {
                throw lib.lastError("virDomainLookupByName('" + name + "')");
            }
            try {
                return action.apply(domain, arena);
            } finally {
                callInt(lib.domainFree, domain);
            }
        });
    }

    <T> T onCheckpoint(String domain, String checkpoint, OnHandle<T> action) throws LibvirtException {
        Objects.requireNonNull(checkpoint, "checkpoint name");
        return onDomain(domain, (handle, arena) -> {
            MemorySegment found = callPointer(lib.checkpointLookupByName, handle, arena.allocateFrom(checkpoint), 0);
            if (isNull(found)) {
                throw lib.lastError("virDomainCheckpointLookupByName(domain '" + domain + "', '" + checkpoint + "')");
            }
            try {
                return action.apply(found, arena);
            } finally {
                callInt(lib.checkpointFree, found);
            }
        });
    }

    /** Throws libvirt's last error for {@code call} when {@code result} is negative; must follow the call. */
    Void check(int result, String call) throws LibvirtException {
        if (result < 0) {
            throw lib.lastError(call);
        }
        return null;
    }

    DomainInfo info(MemorySegment domain, Arena arena) throws LibvirtException {
        MemorySegment namePointer = callPointer(lib.domainGetName, domain);
        if (isNull(namePointer)) {
            throw lib.lastError("virDomainGetName");
        }
        String name = Native.readString(namePointer);
        MemorySegment uuid = arena.allocate(UUID_STRING_BUFLEN);
        check(callInt(lib.domainGetUuidString, domain, uuid), "virDomainGetUUIDString(domain '" + name + "')");
        DomainState state = state(domain, name, arena);
        int persistent = callInt(lib.domainIsPersistent, domain);
        check(persistent, "virDomainIsPersistent(domain '" + name + "')");
        return new DomainInfo(name, uuid.getString(0), state, persistent == 1);
    }

    DomainState state(MemorySegment domain, String name, Arena arena) throws LibvirtException {
        MemorySegment state = arena.allocate(JAVA_INT);
        MemorySegment reason = arena.allocate(JAVA_INT);
        check(callInt(lib.domainGetState, domain, state, reason, 0), "virDomainGetState(domain '" + name + "')");
        return DomainState.of(state.get(JAVA_INT, 0));
    }

    /** The array of {@code count} pointers libvirt stored at {@code out}; the caller frees it. */
    @SuppressWarnings("restricted")
    static MemorySegment pointerArray(MemorySegment out, int count) {
        return out.get(ADDRESS, 0).reinterpret(ADDRESS.byteSize() * count);
    }

    static boolean isNull(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL);
    }
}
