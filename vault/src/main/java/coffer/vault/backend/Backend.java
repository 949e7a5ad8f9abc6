package coffer.vault.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a vault's objects live: a local directory, memory (tests), an S3 bucket.
 *
 * <p>Names are relative, {@code /}-separated, made of {@code [a-z0-9._-]} segments (see
 * {@link ObjectNames#check}). The contract every implementation MUST keep, checked by the shared
 * {@code BackendContract} test suite:
 * <ul>
 *   <li><b>Atomic publish.</b> {@link #put} (and {@link #putStream}) makes the object visible whole or not at all; a reader never
 *       sees a partial object, also after a crash of the writer. An abandoned write leaves at most an
 *       invisible temporary, removed by {@link #removeAbandonedUploads}.</li>
 *   <li><b>Durability barrier.</b> An object is durable once {@link #sync()} has returned after its
 *       {@code put}. Writers call {@code sync()} between the steps of the write order (chunks, then index,
 *       then manifest), so a published manifest never names data lost by a power failure. A writer may name the
 *       objects to make durable instead ({@link #syncSet()}): then an object is durable once the set's
 *       {@link SyncSet#sync()} has returned after its {@code put} and its {@link SyncSet#add}.</li>
 *   <li><b>Content-addressed writes.</b> {@link #putIfAbsent} does not rewrite an existing object and
 *       returns {@code false}; when it returns {@code true} this call created the object.
 *       Callers only use it for names derived from the content, so concurrent calls with one name carry
 *       the same bytes and either outcome is correct.</li>
 *   <li><b>Missing objects.</b> {@link #get} of a missing name MUST throw {@link ObjectNotFoundException};
 *       {@link #delete} of a missing name succeeds (idempotent).</li>
 *   <li><b>Listing.</b> {@link #list} returns every published object under a prefix with its size and last
 *       modification time, in no particular order, never temporaries.</li>
 *   <li><b>Failures.</b> Other failures throw {@link BackendException}; {@link BackendException#retryable()}
 *       says whether repeating the call may succeed (timeouts, throttling) or not (permission, no space).</li>
 *   <li>All methods are safe to call from many threads and many processes at once.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Publishes {@code data} (from its position to its limit) under {@code name}, replacing any object. */
    void put(String name, ByteBuffer data) throws IOException;

    /** Publishes unless an object of that name exists; returns whether this call created it. */
    boolean putIfAbsent(String name, ByteBuffer data) throws IOException;

    /** The whole object. */
    ByteBuffer get(String name) throws IOException;

    /** Writes an object's bytes to a stream ({@link #putStream}). */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Publishes the {@code length} bytes {@code content} writes under {@code name}, replacing any object: for objects
     * too large to hold in an array (a large disk's index, docs/format/index.md "Memory"). The same atomic publish as
     * {@link #put}: when {@code content} fails, or writes other than {@code length} bytes, nothing is published and no
     * temporary is left (an S3 multipart upload is aborted). The default collects the bytes in memory and calls
     * {@link #put} (the memory backend, and test backends that wrap {@code put}); a store backend streams them.
     */
    default void putStream(String name, long length, Content content) throws IOException {
        if (length > Integer.MAX_VALUE - 64) {
            throw new BackendException(describe() + " cannot write '" + name + "' of " + length + " bytes from memory",
                    false, null);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) length);
        content.writeTo(out);
        if (out.size() != length) {
            throw new IllegalArgumentException("'" + name + "': wrote " + out.size() + " bytes, " + length + " declared");
        }
        put(name, ByteBuffer.wrap(out.toByteArray()));
    }

    /**
     * The object as a stream, for objects too large to read whole; the caller closes it. A missing name throws
     * {@link ObjectNotFoundException} here or at the first read. The default reads it whole with {@link #get}.
     */
    default InputStream getStream(String name) throws IOException {
        ByteBuffer whole = get(name);
        if (whole.hasArray()) {
            return new java.io.ByteArrayInputStream(whole.array(), whole.arrayOffset() + whole.position(), whole.remaining());
        }
        byte[] bytes = new byte[whole.remaining()];
        whole.get(bytes);
        return new java.io.ByteArrayInputStream(bytes);
    }

    /** Size and modification time, or empty when there is no such object. */
    Optional<ObjectInfo> stat(String name) throws IOException;

    default boolean exists(String name) throws IOException {
        return stat(name).isPresent();
    }

    void delete(String name) throws IOException;

    /** Every published object whose name starts with {@code prefix}. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /**
     * The distinct next segments of the names under {@code prefix} (ending with {@code /}), sorted: for
     * {@code points/}, the point ids, without listing what each holds (a delimiter listing). The default
     * derives them from {@link #list}; a backend that can do better overrides it.
     */
    default List<String> listChildren(String prefix) throws IOException {
        java.util.TreeSet<String> children = new java.util.TreeSet<>();
        for (ObjectInfo info : list(prefix)) {
            String rest = info.name().substring(prefix.length());
            int slash = rest.indexOf('/');
            children.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        return List.copyOf(children);
    }

    /**
     * Whether {@link #stat}/{@link #exists} are cheap local calls (a file system) rather than a request to a
     * remote store. Callers checking many objects (a backup checking its chunks) use what they already know
     * instead of asking a backend where this is false.
     */
    default boolean cheapStat() {
        return true;
    }

    /**
     * How many calls this backend serves well at once. Callers that keep many calls in flight (the chunk
     * workers of a backup, restore or verify) run at least this many at once; 1 means as many as there are
     * CPU cores is best. A remote store hides its round trip behind more.
     */
    default int ioParallelism() {
        return 1;
    }

    /**
     * Asks the store itself to refuse deleting or overwriting {@code name} before {@code until} (S3 Object Lock
     * retention), on top of the vault's own refusal; returns whether the store does. The default, and every store
     * without such a lock, returns false.
     */
    default boolean retain(String name, Instant until) throws IOException {
        return false;
    }

    /** Makes every completed {@code put} durable. */
    void sync() throws IOException;

    /**
     * A set of the objects one writer needs durable, synced at its barriers ({@link SyncSet}); it may cost less than
     * {@link #sync()} (a local directory fsyncs a few named files instead of the whole file system). The default
     * syncs all every time.
     */
    default SyncSet syncSet() {
        return SyncSet.whole(this);
    }

    /** Removes temporaries of writes abandoned before {@code olderThan}; returns how many. */
    int removeAbandonedUploads(Instant olderThan) throws IOException;

    /** Where the objects are, for messages. */
    String describe();

    @Override
    default void close() throws IOException {
    }
}
