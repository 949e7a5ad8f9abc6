package coffer.virt.guestfs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;

import coffer.vault.ffm.Downcall;

import static coffer.virt.ffm.NativeCalls.callInt;
import static coffer.virt.ffm.NativeCalls.callPointer;
import static coffer.virt.ffm.NativeCalls.callVoid;
import static coffer.virt.ffm.NativeCalls.isNull;
import static coffer.virt.ffm.NativeCalls.readString;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C functions of {@code libguestfs.so.0} (1.48) and libc's {@code free}, one {@link Downcall} each (bound on first use),
 * with the helpers every call needs: the handle's last error as a {@link GuestfsException}, C strings and
 * NULL-terminated string arrays in and out (taking ownership of what libguestfs returns). A binding table, so
 * longer than the other classes here.
 *
 * <p>Immutable after loading; thread-safe. A libguestfs <em>handle</em> is not: {@link Guestfs} confines each to
 * one thread.
 */
final class GuestfsLibrary {
    static final String LIBRARY = "libguestfs.so.0";

    /** {@code struct guestfs_add_drive_opts_argv} on LP64: bitmask, readonly, then pointers, then two ints. */
    static final long DRIVE_OPTS_SIZE = 104;
    static final long DRIVE_BITMASK = 0;
    static final long DRIVE_READONLY = 8;
    static final long DRIVE_FORMAT = 16;
    static final long DRIVE_PROTOCOL = 48;
    static final long DRIVE_SERVER = 56;
    static final long BIT_READONLY = 1;
    static final long BIT_FORMAT = 1 << 1;
    static final long BIT_PROTOCOL = 1 << 5;
    static final long BIT_SERVER = 1 << 6;
    /** {@code struct guestfs_statns}: 22 {@code int64_t}s. */
    static final long STATNS_SIZE = 22 * 8;
    /** {@code struct guestfs_statns_list}: {@code uint32_t len}, then the pointer at offset 8. */
    static final long STATNS_LIST_VAL = 8;

    private static volatile GuestfsLibrary instance;

    final Downcall free;
    final Downcall create;
    final Downcall close;
    final Downcall lastError;
    final Downcall lastErrno;
    final Downcall setErrorHandler;
    final Downcall setBackend;
    final Downcall setBackendSettings;
    final Downcall setMemsize;
    final Downcall addDriveOpts;
    final Downcall launch;
    final Downcall shutdown;
    final Downcall listPartitions;
    final Downcall listFilesystems;
    final Downcall mountRo;
    final Downcall umountAll;
    final Downcall ls;
    final Downcall lstatns;
    final Downcall lstatnslist;
    final Downcall freeStatns;
    final Downcall freeStatnsList;
    final Downcall readlink;
    final Downcall pread;
    final Downcall find0;
    final Downcall ls0;
    final Downcall checksum;

    /** The bindings, loaded on first use; a machine without libguestfs gets a {@link GuestfsException}. */
    static GuestfsLibrary get() throws GuestfsException {
        GuestfsLibrary loaded = instance;
        if (loaded != null) {
            return loaded;
        }
        synchronized (GuestfsLibrary.class) {
            if (instance == null) {
                try {
                    instance = new GuestfsLibrary();
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    throw new GuestfsException("load " + LIBRARY, e.getMessage()
                            + " (Debian: apt-get install libguestfs0 libguestfs-tools, and a kernel for its appliance)", 0);
                }
            }
            return instance;
        }
    }

    @SuppressWarnings("restricted") // binding C functions is this class's purpose; run with --enable-native-access
    private GuestfsLibrary() {
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        FunctionDescriptor intOfPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor intOfPtrPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        FunctionDescriptor ptrOfPtr = FunctionDescriptor.of(ADDRESS, ADDRESS);
        FunctionDescriptor ptrOfPtrPtr = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS);
        free = Downcall.find(Linker.nativeLinker().defaultLookup(), "free", "no free in libc", FunctionDescriptor.ofVoid(ADDRESS));
        create = function(lib, "guestfs_create", FunctionDescriptor.of(ADDRESS));
        close = function(lib, "guestfs_close", FunctionDescriptor.ofVoid(ADDRESS));
        lastError = function(lib, "guestfs_last_error", ptrOfPtr);
        lastErrno = function(lib, "guestfs_last_errno", intOfPtr);
        setErrorHandler = function(lib, "guestfs_set_error_handler", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        setBackend = function(lib, "guestfs_set_backend", intOfPtrPtr);
        setBackendSettings = function(lib, "guestfs_set_backend_settings", intOfPtrPtr);
        setMemsize = function(lib, "guestfs_set_memsize", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        addDriveOpts = function(lib, "guestfs_add_drive_opts_argv", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        launch = function(lib, "guestfs_launch", intOfPtr);
        shutdown = function(lib, "guestfs_shutdown", intOfPtr);
        listPartitions = function(lib, "guestfs_list_partitions", ptrOfPtr);
        listFilesystems = function(lib, "guestfs_list_filesystems", ptrOfPtr);
        mountRo = function(lib, "guestfs_mount_ro", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        umountAll = function(lib, "guestfs_umount_all", intOfPtr);
        ls = function(lib, "guestfs_ls", ptrOfPtrPtr);
        lstatns = function(lib, "guestfs_lstatns", ptrOfPtrPtr);
        lstatnslist = function(lib, "guestfs_lstatnslist", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        freeStatns = function(lib, "guestfs_free_statns", FunctionDescriptor.ofVoid(ADDRESS));
        freeStatnsList = function(lib, "guestfs_free_statns_list", FunctionDescriptor.ofVoid(ADDRESS));
        readlink = function(lib, "guestfs_readlink", ptrOfPtrPtr);
        pread = function(lib, "guestfs_pread", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        find0 = function(lib, "guestfs_find0", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        ls0 = function(lib, "guestfs_ls0", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        checksum = function(lib, "guestfs_checksum", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    private static Downcall function(SymbolLookup library, String name, FunctionDescriptor descriptor) {
        return Downcall.find(library, name, "no " + name + " in " + LIBRARY + " (needs libguestfs 1.48)", descriptor);
    }

    /** The handle's last error as an exception naming {@code call}; must follow the failed call on the same handle. */
    GuestfsException lastError(MemorySegment handle, String call) {
        MemorySegment message = callPointer(lastError, handle);
        int errno = callInt(lastErrno, handle);
        return new GuestfsException(call, isNull(message) ? null : readString(message), errno);
    }

    /** The C string at {@code pointer}, allocated by libguestfs for the caller: copied, then freed. */
    String takeString(MemorySegment pointer) {
        try {
            return readString(pointer);
        } finally {
            free(pointer);
        }
    }

    /** The bytes of the C string at {@code pointer} (up to its NUL), allocated by libguestfs for the caller: copied, then freed. */
    @SuppressWarnings("restricted")
    byte[] takeBytes(MemorySegment pointer) {
        try {
            MemorySegment all = pointer.reinterpret(Long.MAX_VALUE);
            long length = 0;
            while (all.get(java.lang.foreign.ValueLayout.JAVA_BYTE, length) != 0) {
                length++;
            }
            return all.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } finally {
            free(pointer);
        }
    }

    /** The NULL-terminated {@code char **} libguestfs returned: copied, each string and the array freed. */
    @SuppressWarnings("restricted")
    List<String> takeStrings(MemorySegment array) {
        MemorySegment items = array.reinterpret(Long.MAX_VALUE);
        List<String> strings = new ArrayList<>();
        try {
            for (long i = 0; ; i++) {
                MemorySegment item = items.getAtIndex(ADDRESS, i);
                if (isNull(item)) {
                    break;
                }
                strings.add(takeString(item));
            }
        } finally {
            free(array);
        }
        return strings;
    }

    /** A NULL-terminated {@code char *const *} of {@code strings}, allocated in {@code arena}. */
    static MemorySegment strings(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    void free(MemorySegment pointer) {
        callVoid(free, pointer);
    }
}
