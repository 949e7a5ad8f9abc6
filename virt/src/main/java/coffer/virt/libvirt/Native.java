package coffer.virt.libvirt;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

import coffer.vault.ffm.Downcall;
import coffer.virt.ffm.NativeCalls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The C functions of {@code libvirt.so.0}, {@code libvirt-qemu.so.0} and libc's {@code free}, one
 * {@link Downcall} each, all bound with one shape and called through {@link WordCalls} (which says why that is
 * correct), plus the two things every call needs: reading libvirt's last error into a
 * {@link LibvirtException} and taking ownership of C strings libvirt returns. A binding table, so longer than
 * the other classes here, with one short wrapper per C function.
 *
 * <p>Only the functions of libvirt 9.0 (Debian 12) are bound. Loading finds every symbol, so an older libvirt
 * fails here, and binds each function on its first call ({@link Downcall}; a command calls about half of them).
 * Loading installs a global libvirt error handler that does nothing: libvirt's default one prints every error to
 * stderr, and errors reach callers as exceptions instead.
 *
 * <p>Immutable after construction; thread-safe (libvirt's functions are thread-safe, its last error is
 * thread-local: {@link #lastError} must run on the thread that made the failing call, with no blocking in
 * between, so a virtual thread cannot change carrier threads between the two).
 */
final class Native {
    static final String LIBVIRT = "libvirt.so.0";
    static final String LIBVIRT_QEMU = "libvirt-qemu.so.0";

    /** {@code struct _virError} on LP64: code, domain, message, level, conn, dom, str1-3, int1-2, net. */
    private static final long ERROR_CODE = 0;
    private static final long ERROR_DOMAIN = 4;
    private static final long ERROR_MESSAGE = 8;
    private static final long ERROR_SIZE = 80;

    private static volatile Native instance;

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup libvirt;
    private final SymbolLookup libvirtQemu;

    final Downcall free;
    final Downcall getLastError;
    final Downcall resetLastError;
    final Downcall connectOpen;
    private final Downcall eventRegisterDefaultImpl;
    private final Downcall eventRunDefaultImpl;
    private volatile boolean eventLoopRunning;
    final Downcall connectClose;
    final Downcall connectGetUri;
    final Downcall connectIsAlive;
    final Downcall connectListAllDomains;
    final Downcall domainLookupByName;
    final Downcall domainLookupByUuidString;
    final Downcall domainFree;
    final Downcall domainGetName;
    final Downcall domainGetUuidString;
    final Downcall domainGetState;
    final Downcall domainIsPersistent;
    final Downcall domainGetXmlDesc;
    final Downcall domainDefineXml;
    final Downcall domainCreate;
    final Downcall domainDestroy;
    final Downcall domainShutdown;
    final Downcall domainUndefineFlags;
    final Downcall domainSuspend;
    final Downcall domainResume;
    final Downcall domainGetBlockInfo;
    final Downcall domainAttachDeviceFlags;
    final Downcall domainDetachDeviceFlags;
    final Downcall domainBlockPull;
    final Downcall domainGetBlockJobInfo;
    final Downcall domainBlockJobAbort;
    final Downcall domainBlockJobSetSpeed;
    final Downcall checkpointCreateXml;
    final Downcall checkpointGetName;
    final Downcall checkpointLookupByName;
    final Downcall checkpointGetXmlDesc;
    final Downcall checkpointDelete;
    final Downcall checkpointFree;
    final Downcall listAllCheckpoints;
    final Downcall backupBegin;
    final Downcall backupGetXmlDesc;
    final Downcall getJobStats;
    final Downcall typedParamsFree;
    final Downcall abortJob;
    final Downcall qemuAgentCommand;
    final Downcall qemuMonitorCommand;

    /** The bindings, loaded on first use; a machine without libvirt gets a {@link LibvirtException}. */
    static Native get() throws LibvirtException {
        Native loaded = instance;
        if (loaded != null) {
            return loaded;
        }
        synchronized (Native.class) {
            if (instance == null) {
                try {
                    instance = new Native();
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    throw new LibvirtException("load " + LIBVIRT + " and " + LIBVIRT_QEMU,
                            LibvirtException.NOT_FROM_LIBVIRT, 0, e.getMessage());
                }
            }
            return instance;
        }
    }

    @SuppressWarnings("restricted") // binding C functions is this class's purpose; run with --enable-native-access
    private Native() {
        WordCalls.checkAbi(System.getProperty("os.arch"));
        libvirt = SymbolLookup.libraryLookup(LIBVIRT, Arena.global());
        libvirtQemu = SymbolLookup.libraryLookup(LIBVIRT_QEMU, Arena.global());

        free = Downcall.find(linker.defaultLookup(), "free", "no free in libc", WordCalls.SHAPE);
        getLastError = function(libvirt, "virGetLastError"); // ptr ()
        resetLastError = function(libvirt, "virResetLastError"); // void ()
        connectOpen = function(libvirt, "virConnectOpen"); // ptr (ptr)
        eventRegisterDefaultImpl = function(libvirt, "virEventRegisterDefaultImpl"); // int ()
        eventRunDefaultImpl = function(libvirt, "virEventRunDefaultImpl"); // int ()
        connectClose = function(libvirt, "virConnectClose"); // int (ptr)
        connectGetUri = function(libvirt, "virConnectGetURI"); // ptr (ptr)
        connectIsAlive = function(libvirt, "virConnectIsAlive"); // int (ptr)
        connectListAllDomains = function(libvirt, "virConnectListAllDomains"); // int (ptr, ptr, int)
        domainLookupByName = function(libvirt, "virDomainLookupByName"); // ptr (ptr, ptr)
        domainLookupByUuidString = function(libvirt, "virDomainLookupByUUIDString"); // ptr (ptr, ptr)
        domainFree = function(libvirt, "virDomainFree"); // int (ptr)
        domainGetName = function(libvirt, "virDomainGetName"); // ptr (ptr)
        domainGetUuidString = function(libvirt, "virDomainGetUUIDString"); // int (ptr, ptr)
        domainGetState = function(libvirt, "virDomainGetState"); // int (ptr, ptr, ptr, int)
        domainIsPersistent = function(libvirt, "virDomainIsPersistent"); // int (ptr)
        domainGetXmlDesc = function(libvirt, "virDomainGetXMLDesc"); // ptr (ptr, int)
        domainDefineXml = function(libvirt, "virDomainDefineXML"); // ptr (ptr, ptr)
        domainCreate = function(libvirt, "virDomainCreate"); // int (ptr)
        domainDestroy = function(libvirt, "virDomainDestroy"); // int (ptr)
        domainShutdown = function(libvirt, "virDomainShutdown"); // int (ptr)
        domainUndefineFlags = function(libvirt, "virDomainUndefineFlags"); // int (ptr, int)
        domainSuspend = function(libvirt, "virDomainSuspend"); // int (ptr)
        domainResume = function(libvirt, "virDomainResume"); // int (ptr)
        domainGetBlockInfo = function(libvirt, "virDomainGetBlockInfo"); // int (ptr, ptr, ptr, int)
        domainAttachDeviceFlags = function(libvirt, "virDomainAttachDeviceFlags"); // int (ptr, ptr, int)
        domainDetachDeviceFlags = function(libvirt, "virDomainDetachDeviceFlags"); // int (ptr, ptr, int)
        domainBlockPull = function(libvirt, "virDomainBlockPull"); // int (ptr, ptr, long, int)
        domainGetBlockJobInfo = function(libvirt, "virDomainGetBlockJobInfo"); // int (ptr, ptr, ptr, int)
        domainBlockJobAbort = function(libvirt, "virDomainBlockJobAbort"); // int (ptr, ptr, int)
        domainBlockJobSetSpeed = function(libvirt, "virDomainBlockJobSetSpeed"); // int (ptr, ptr, long, int)
        checkpointCreateXml = function(libvirt, "virDomainCheckpointCreateXML"); // ptr (ptr, ptr, int)
        checkpointGetName = function(libvirt, "virDomainCheckpointGetName"); // ptr (ptr)
        checkpointLookupByName = function(libvirt, "virDomainCheckpointLookupByName"); // ptr (ptr, ptr, int)
        checkpointGetXmlDesc = function(libvirt, "virDomainCheckpointGetXMLDesc"); // ptr (ptr, int)
        checkpointDelete = function(libvirt, "virDomainCheckpointDelete"); // int (ptr, int)
        checkpointFree = function(libvirt, "virDomainCheckpointFree"); // int (ptr)
        listAllCheckpoints = function(libvirt, "virDomainListAllCheckpoints"); // int (ptr, ptr, int)
        backupBegin = function(libvirt, "virDomainBackupBegin"); // int (ptr, ptr, ptr, int)
        backupGetXmlDesc = function(libvirt, "virDomainBackupGetXMLDesc"); // ptr (ptr, int)
        getJobStats = function(libvirt, "virDomainGetJobStats"); // int (ptr, ptr, ptr, ptr, int)
        typedParamsFree = function(libvirt, "virTypedParamsFree"); // void (ptr, int)
        abortJob = function(libvirt, "virDomainAbortJob"); // int (ptr)
        qemuAgentCommand = function(libvirtQemu, "virDomainQemuAgentCommand"); // ptr (ptr, ptr, int, int)
        qemuMonitorCommand = function(libvirtQemu, "virDomainQemuMonitorCommand"); // int (ptr, ptr, ptr, int)
        silenceDefaultErrorHandler();
    }

    /**
     * Registers libvirt's default event loop and runs it on a daemon thread, once per process: an embedded driver
     * ({@code qemu:///embed?root=DIR}, a QEMU driver inside this process with its own domains) needs one. Connections
     * to a daemon need none (and open without it).
     */
    synchronized void requireEventLoop() throws LibvirtException {
        if (eventLoopRunning) {
            return;
        }
        try {
            if (WordCalls.callInt(eventRegisterDefaultImpl) < 0) {
                throw lastError("virEventRegisterDefaultImpl");
            }
        } catch (LibvirtException e) {
            throw e;
        } catch (Throwable e) {
            throw new LibvirtException("virEventRegisterDefaultImpl", LibvirtException.NOT_FROM_LIBVIRT, 0, e.toString());
        }
        Downcall runOnce = eventRunDefaultImpl;
        Thread.ofPlatform().daemon().name("libvirt-event-loop").start(() -> {
            while (true) {
                try {
                    int ignored = WordCalls.callInt(runOnce);
                } catch (Throwable e) {
                    return;
                }
            }
        });
        eventLoopRunning = true;
    }

    /** {@code name}, bound with {@link WordCalls#SHAPE} like every libvirt function (C prototypes beside them above). */
    private static Downcall function(SymbolLookup library, String name) {
        return Downcall.find(library, name, "no " + name + " in libvirt here (needs libvirt 9.0)", WordCalls.SHAPE);
    }

    /**
     * Installs a global error handler that does nothing: {@code virSetErrorFunc(NULL, virResetError)}. libvirt calls
     * its handler as {@code handler(userData, error)} with the userData given here, NULL, and {@code virResetError}
     * returns at once for a NULL error (libvirt's virerror.c since 0.1.0); the second argument is ignored, as a
     * callee does with an extra register argument on the C ABIs Coffer runs on (x86-64 System V, AArch64). A handler
     * in Java did the same through an upcall stub, spun at every command's start (docs/performance.md, session 14).
     */
    private void silenceDefaultErrorHandler() {
        MemorySegment doNothing = libvirt.find("virResetError")
                .orElseThrow(() -> new UnsatisfiedLinkError("no virResetError in libvirt here (needs libvirt 9.0)"));
        WordCalls.callVoid(function(libvirt, "virSetErrorFunc"), MemorySegment.NULL, doNothing); // void (ptr, ptr)
    }

    /**
     * libvirt's last error on this thread as an exception naming {@code call}, then reset. A failure without a
     * recorded error (should not happen) gets code {@link LibvirtException#NOT_FROM_LIBVIRT}.
     */
    @SuppressWarnings("restricted")
    LibvirtException lastError(String call) {
        MemorySegment error = WordCalls.callPointer(getLastError);
        if (error.equals(MemorySegment.NULL)) {
            return new LibvirtException(call, LibvirtException.NOT_FROM_LIBVIRT, 0, "failed without a libvirt error");
        }
        error = error.reinterpret(ERROR_SIZE);
        int code = error.get(JAVA_INT, ERROR_CODE);
        int domain = error.get(JAVA_INT, ERROR_DOMAIN);
        MemorySegment message = error.get(ADDRESS, ERROR_MESSAGE);
        String text = message.equals(MemorySegment.NULL) ? null : readString(message);
        WordCalls.callVoid(resetLastError);
        return new LibvirtException(call, code, domain, text);
    }

    /** The C string at {@code pointer}, which libvirt allocated for the caller: copied, then freed. */
    String takeString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            return readString(pointer);
        } finally {
            free(pointer);
        }
    }

    /** The C string at {@code pointer}, which stays owned by libvirt. */
    static String readString(MemorySegment pointer) {
        return NativeCalls.readString(pointer);
    }

    void free(MemorySegment pointer) {
        WordCalls.callVoid(free, pointer);
    }
}
