package coffer.virt.libvirt;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import coffer.vault.ffm.Downcall;
import coffer.virt.ffm.NativeCalls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C functions of {@code libvirt.so.0}, {@code libvirt-qemu.so.0} and libc's {@code free}, one
 * {@link Downcall} each, plus the two things every call needs: reading libvirt's last error into a
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
        libvirt = SymbolLookup.libraryLookup(LIBVIRT, Arena.global());
        libvirtQemu = SymbolLookup.libraryLookup(LIBVIRT_QEMU, Arena.global());
        FunctionDescriptor intOfPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor intOfPtrInt = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
        FunctionDescriptor ptrOfPtr = FunctionDescriptor.of(ADDRESS, ADDRESS);
        FunctionDescriptor ptrOfPtrInt = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT);
        FunctionDescriptor ptrOfPtrPtr = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS);
        FunctionDescriptor ptrOfPtrPtrInt = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT);

        free = Downcall.find(linker.defaultLookup(), "free", "no free in libc", FunctionDescriptor.ofVoid(ADDRESS));
        getLastError = function(libvirt, "virGetLastError", FunctionDescriptor.of(ADDRESS));
        resetLastError = function(libvirt, "virResetLastError", FunctionDescriptor.ofVoid());
        connectOpen = function(libvirt, "virConnectOpen", ptrOfPtr);
        eventRegisterDefaultImpl = function(libvirt, "virEventRegisterDefaultImpl", FunctionDescriptor.of(JAVA_INT));
        eventRunDefaultImpl = function(libvirt, "virEventRunDefaultImpl", FunctionDescriptor.of(JAVA_INT));
        connectClose = function(libvirt, "virConnectClose", intOfPtr);
        connectGetUri = function(libvirt, "virConnectGetURI", ptrOfPtr);
        connectIsAlive = function(libvirt, "virConnectIsAlive", intOfPtr);
        connectListAllDomains = function(libvirt, "virConnectListAllDomains",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        domainLookupByName = function(libvirt, "virDomainLookupByName", ptrOfPtrPtr);
        domainLookupByUuidString = function(libvirt, "virDomainLookupByUUIDString", ptrOfPtrPtr);
        domainFree = function(libvirt, "virDomainFree", intOfPtr);
        domainGetName = function(libvirt, "virDomainGetName", ptrOfPtr);
        domainGetUuidString = function(libvirt, "virDomainGetUUIDString",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        domainGetState = function(libvirt, "virDomainGetState",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        domainIsPersistent = function(libvirt, "virDomainIsPersistent", intOfPtr);
        domainGetXmlDesc = function(libvirt, "virDomainGetXMLDesc", ptrOfPtrInt);
        domainDefineXml = function(libvirt, "virDomainDefineXML", ptrOfPtrPtr);
        domainCreate = function(libvirt, "virDomainCreate", intOfPtr);
        domainDestroy = function(libvirt, "virDomainDestroy", intOfPtr);
        domainShutdown = function(libvirt, "virDomainShutdown", intOfPtr);
        domainUndefineFlags = function(libvirt, "virDomainUndefineFlags", intOfPtrInt);
        domainSuspend = function(libvirt, "virDomainSuspend", intOfPtr);
        domainResume = function(libvirt, "virDomainResume", intOfPtr);
        domainGetBlockInfo = function(libvirt, "virDomainGetBlockInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        domainAttachDeviceFlags = function(libvirt, "virDomainAttachDeviceFlags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        domainDetachDeviceFlags = function(libvirt, "virDomainDetachDeviceFlags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        domainBlockPull = function(libvirt, "virDomainBlockPull",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        domainGetBlockJobInfo = function(libvirt, "virDomainGetBlockJobInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        domainBlockJobAbort = function(libvirt, "virDomainBlockJobAbort",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        domainBlockJobSetSpeed = function(libvirt, "virDomainBlockJobSetSpeed",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        checkpointCreateXml = function(libvirt, "virDomainCheckpointCreateXML", ptrOfPtrPtrInt);
        checkpointGetName = function(libvirt, "virDomainCheckpointGetName", ptrOfPtr);
        checkpointLookupByName = function(libvirt, "virDomainCheckpointLookupByName", ptrOfPtrPtrInt);
        checkpointGetXmlDesc = function(libvirt, "virDomainCheckpointGetXMLDesc", ptrOfPtrInt);
        checkpointDelete = function(libvirt, "virDomainCheckpointDelete", intOfPtrInt);
        checkpointFree = function(libvirt, "virDomainCheckpointFree", intOfPtr);
        listAllCheckpoints = function(libvirt, "virDomainListAllCheckpoints",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        backupBegin = function(libvirt, "virDomainBackupBegin",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        backupGetXmlDesc = function(libvirt, "virDomainBackupGetXMLDesc", ptrOfPtrInt);
        getJobStats = function(libvirt, "virDomainGetJobStats",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        typedParamsFree = function(libvirt, "virTypedParamsFree", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        abortJob = function(libvirt, "virDomainAbortJob", intOfPtr);
        qemuAgentCommand = function(libvirtQemu, "virDomainQemuAgentCommand",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        qemuMonitorCommand = function(libvirtQemu, "virDomainQemuMonitorCommand",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
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
            if ((int) eventRegisterDefaultImpl.handle().invokeExact() < 0) {
                throw lastError("virEventRegisterDefaultImpl");
            }
        } catch (LibvirtException e) {
            throw e;
        } catch (Throwable e) {
            throw new LibvirtException("virEventRegisterDefaultImpl", LibvirtException.NOT_FROM_LIBVIRT, 0, e.toString());
        }
        MethodHandle runOnce = eventRunDefaultImpl.handle();
        Thread.ofPlatform().daemon().name("libvirt-event-loop").start(() -> {
            while (true) {
                try {
                    int ignored = (int) runOnce.invokeExact();
                } catch (Throwable e) {
                    return;
                }
            }
        });
        eventLoopRunning = true;
    }

    private static Downcall function(SymbolLookup library, String name, FunctionDescriptor descriptor) {
        return Downcall.find(library, name, "no " + name + " in libvirt here (needs libvirt 9.0)", descriptor);
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
        try {
            function(libvirt, "virSetErrorFunc", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).handle()
                    .invokeExact(MemorySegment.NULL, doNothing);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * libvirt's last error on this thread as an exception naming {@code call}, then reset. A failure without a
     * recorded error (should not happen) gets code {@link LibvirtException#NOT_FROM_LIBVIRT}.
     */
    @SuppressWarnings("restricted")
    LibvirtException lastError(String call) {
        try {
            MemorySegment error = (MemorySegment) getLastError.handle().invokeExact();
            if (error.equals(MemorySegment.NULL)) {
                return new LibvirtException(call, LibvirtException.NOT_FROM_LIBVIRT, 0,
                        "failed without a libvirt error");
            }
            error = error.reinterpret(ERROR_SIZE);
            int code = error.get(JAVA_INT, ERROR_CODE);
            int domain = error.get(JAVA_INT, ERROR_DOMAIN);
            MemorySegment message = error.get(ADDRESS, ERROR_MESSAGE);
            String text = message.equals(MemorySegment.NULL) ? null : readString(message);
            resetLastError.handle().invokeExact();
            return new LibvirtException(call, code, domain, text);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
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
        try {
            free.handle().invokeExact(pointer);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
