package coffer.virt.libvirt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import coffer.vault.ffm.Downcall;

import static coffer.virt.libvirt.WordCalls.callInt;
import static coffer.virt.libvirt.WordCalls.callPointer;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One connection to libvirt ({@code virConnectPtr}), bound with the FFM API to {@code libvirt.so.0} and
 * {@code libvirt-qemu.so.0} (libvirt 9.0 or later). Every domain argument is a domain <em>name</em>, looked up
 * per call ({@code virDomainLookupByName}) and freed before the call returns, so no libvirt object outlives a
 * call; checkpoints likewise. A failed call throws {@link LibvirtException} with libvirt's error number,
 * error domain and message; a missing domain is {@link LibvirtException#NO_DOMAIN}.
 *
 * <p>Thread-safe: libvirt allows any number of threads to use one connection at once, and calls here run
 * concurrently. Calls block until libvirtd answers (an agent command up to its timeout); made on a virtual
 * thread, a call runs on a platform thread while the virtual thread waits, so it never pins a carrier.
 * {@link #close()} waits for calls in flight; calls after it throw {@link IllegalStateException}.
 *
 * <p>The JVM needs {@code --enable-native-access} for this module or class path.
 */
public final class Libvirt implements AutoCloseable {
    /** The URI {@link #connect} uses for null or "": the local QEMU driver, system instance. */
    public static final String DEFAULT_URI = "qemu:///system";

    /** {@code VIR_DOMAIN_UNDEFINE_MANAGED_SAVE}: also remove a managed save image. */
    public static final int UNDEFINE_MANAGED_SAVE = 1;
    /** {@code VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA}: also remove snapshot metadata (not the data). */
    public static final int UNDEFINE_SNAPSHOTS_METADATA = 1 << 1;
    /** {@code VIR_DOMAIN_UNDEFINE_NVRAM}: also delete the UEFI variable store file. */
    public static final int UNDEFINE_NVRAM = 1 << 2;
    /** {@code VIR_DOMAIN_UNDEFINE_KEEP_NVRAM}: keep the UEFI variable store file. */
    public static final int UNDEFINE_KEEP_NVRAM = 1 << 3;
    /** {@code VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA}: also remove checkpoint metadata (not QEMU bitmaps). */
    public static final int UNDEFINE_CHECKPOINTS_METADATA = 1 << 4;
    /** What {@link #undefine(String)} passes: every kind of metadata and managed state goes with the domain. */
    public static final int UNDEFINE_ALL_METADATA = UNDEFINE_MANAGED_SAVE | UNDEFINE_SNAPSHOTS_METADATA
            | UNDEFINE_NVRAM | UNDEFINE_CHECKPOINTS_METADATA;

    /** {@code VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE}: restore checkpoint metadata (the bitmaps must exist). */
    public static final int CHECKPOINT_CREATE_REDEFINE = 1;
    /** {@code VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE}: freeze guest file systems via the agent for the checkpoint. */
    public static final int CHECKPOINT_CREATE_QUIESCE = 1 << 1;
    /** {@code VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE}: with REDEFINE, check the bitmaps exist. */
    public static final int CHECKPOINT_CREATE_REDEFINE_VALIDATE = 1 << 2;

    /** {@code VIR_DOMAIN_CHECKPOINT_XML_SECURE}. */
    public static final int CHECKPOINT_XML_SECURE = 1;
    /** {@code VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN}: leave out the copy of the domain XML. */
    public static final int CHECKPOINT_XML_NO_DOMAIN = 1 << 1;
    /** {@code VIR_DOMAIN_CHECKPOINT_XML_SIZE}: add each disk's bytes changed since the checkpoint (running only). */
    public static final int CHECKPOINT_XML_SIZE = 1 << 2;

    /** {@link #attachDevice}/{@link #detachDevice} flag {@code VIR_DOMAIN_AFFECT_LIVE}: the running domain. */
    public static final int AFFECT_LIVE = 1;
    /** {@link #attachDevice}/{@link #detachDevice} flag {@code VIR_DOMAIN_AFFECT_CONFIG}: the persistent definition. */
    public static final int AFFECT_CONFIG = 1 << 1;

    /** {@code VIR_DOMAIN_BLOCK_PULL_BANDWIDTH_BYTES}: the pull's bandwidth is in bytes/s, not MiB/s. */
    private static final int PULL_BANDWIDTH_BYTES = 1 << 6;
    /** {@code VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES}: the new speed is in bytes/s, not MiB/s. */
    private static final int SPEED_BANDWIDTH_BYTES = 1;
    /** {@code VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES}: report the bandwidth in bytes/s. */
    private static final int JOB_INFO_BANDWIDTH_BYTES = 1;
    /** {@code struct _virDomainBlockJobInfo} on LP64: int type, unsigned long bandwidth, unsigned long long cur, end. */
    private static final long BLOCK_JOB_INFO_SIZE = 32;

    /** {@link #agentCommand} timeout {@code VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK}: wait forever. */
    public static final int AGENT_TIMEOUT_BLOCK = -2;
    /** {@link #agentCommand} timeout {@code VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT}: libvirt's default (5 s). */
    public static final int AGENT_TIMEOUT_DEFAULT = -1;
    /** {@link #agentCommand} timeout {@code VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT}: do not wait for a reply. */
    public static final int AGENT_TIMEOUT_NOWAIT = 0;

    private static final int XML_INACTIVE = 1 << 1;
    private static final int CHECKPOINT_LIST_TOPOLOGICAL = 1 << 1;
    private static final int CHECKPOINT_DELETE_METADATA_ONLY = 1 << 1;
    private static final int BACKUP_BEGIN_REUSE_EXTERNAL = 1;
    private static final int MONITOR_COMMAND_HMP = 1;
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    private final Connection connection;
    private final Native lib;

    private Libvirt(Connection connection) {
        this.connection = connection;
        this.lib = connection.lib();
    }

    /**
     * Opens a connection with {@code virConnectOpen} (read-write, no authentication callback: local root, or a
     * remote URI whose transport authenticates by itself, e.g. {@code qemu+ssh://} with keys). Null or ""
     * means {@link #DEFAULT_URI}.
     */
    public static Libvirt connect(String uri) throws LibvirtException {
        String requested = uri == null || uri.isEmpty() ? DEFAULT_URI : uri;
        return new Libvirt(Connection.open(Native.get(), requested));
    }

    /** The connection's URI as libvirt reports it ({@code virConnectGetURI}), e.g. {@code qemu:///system}. */
    public String uri() {
        return connection.uri();
    }

    /** Whether the connection still works ({@code virConnectIsAlive}); false after {@link #close()}. */
    public boolean alive() {
        return connection.alive();
    }

    /**
     * Every domain, active and inactive, persistent and transient, sorted by name
     * ({@code virConnectListAllDomains} with flags 0, then name, UUID, {@code virDomainGetState} and
     * {@code virDomainIsPersistent} of each). A transient domain that vanishes while listed is left out.
     */
    public List<DomainInfo> domains() throws LibvirtException {
        return connection.locked(arena -> {
            MemorySegment out = arena.allocate(ADDRESS);
            int count = callInt(lib.connectListAllDomains, connection.pointer(), out, 0);
            if (count < 0) {
                throw lib.lastError("virConnectListAllDomains");
            }
            MemorySegment array = Connection.pointerArray(out, count);
            List<DomainInfo> domains = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    try {
                        domains.add(connection.info(array.getAtIndex(ADDRESS, i), arena));
                    } catch (LibvirtException e) {
                        if (e.code() != LibvirtException.NO_DOMAIN) {
                            throw e;
                        }
                    }
                }
            } finally {
                for (int i = 0; i < count; i++) {
                    callInt(lib.domainFree, array.getAtIndex(ADDRESS, i));
                }
                lib.free(array);
            }
            domains.sort(Comparator.comparing(DomainInfo::name));
            return List.copyOf(domains);
        });
    }

    /**
     * The domain with this name, or with this UUID when the argument looks like one
     * ({@code virDomainLookupByUUIDString}, then {@code virDomainLookupByName}); empty when there is none, also when
     * it vanishes between its lookup and the questions about it (a transient domain destroyed meanwhile).
     */
    public Optional<DomainInfo> domain(String nameOrUuid) throws LibvirtException {
        Objects.requireNonNull(nameOrUuid, "nameOrUuid");
        return connection.locked(arena -> {
            MemorySegment domain = MemorySegment.NULL;
            if (UUID.matcher(nameOrUuid).matches()) {
                domain = callPointer(lib.domainLookupByUuidString, connection.pointer(), arena.allocateFrom(nameOrUuid));
                if (Connection.isNull(domain)) {
                    LibvirtException e = lib.lastError("virDomainLookupByUUIDString('" + nameOrUuid + "')");
                    if (e.code() != LibvirtException.NO_DOMAIN) {
                        throw e;
                    }
                }
            }
            if (Connection.isNull(domain)) {
                domain = callPointer(lib.domainLookupByName, connection.pointer(), arena.allocateFrom(nameOrUuid));
            }
            if (Connection.isNull(domain)) {
                LibvirtException e = lib.lastError("virDomainLookupByName('" + nameOrUuid + "')");
                if (e.code() == LibvirtException.NO_DOMAIN) {
                    return Optional.empty();
                }
                throw e;
            }
            try {
                return Optional.of(connection.info(domain, arena));
            } catch (LibvirtException e) {
                if (e.code() == LibvirtException.NO_DOMAIN) { // a transient domain that ended after its lookup
                    return Optional.empty();
                }
                throw e;
            } finally {
                callInt(lib.domainFree, domain);
            }
        });
    }

    /**
     * The domain's XML ({@code virDomainGetXMLDesc}): the live definition (with device aliases such as
     * {@code virtio-disk0}) when {@code inactive} is false and the domain runs, the persistent definition with
     * {@code VIR_DOMAIN_XML_INACTIVE} when true. Never {@code VIR_DOMAIN_XML_SECURE}: no passwords.
     */
    public String domainXml(String name, boolean inactive) throws LibvirtException {
        return connection.onDomain(name, (domain, arena) -> {
            String xml = lib.takeString(callPointer(lib.domainGetXmlDesc, domain, inactive ? XML_INACTIVE : 0));
            if (xml == null) {
                throw lib.lastError("virDomainGetXMLDesc(domain '" + name + "')");
            }
            return xml;
        });
    }

    /**
     * Sizes of one disk ({@code virDomainGetBlockInfo}, flags 0), {@code disk} being its target ({@code vda}) or
     * source path. libvirt reads the image in the format of the domain's definition, running or not; nothing is
     * probed from the disk's content.
     */
    public BlockInfo blockInfo(String domain, String disk) throws LibvirtException {
        Objects.requireNonNull(disk, "disk");
        return connection.onDomain(domain, (handle, arena) -> {
            MemorySegment info = arena.allocate(JAVA_LONG, 3); // virDomainBlockInfo: three unsigned long long
            if (callInt(lib.domainGetBlockInfo, handle, arena.allocateFrom(disk), info, 0) < 0) {
                throw lib.lastError("virDomainGetBlockInfo(domain '" + domain + "', disk '" + disk + "')");
            }
            return new BlockInfo(info.getAtIndex(JAVA_LONG, 0), info.getAtIndex(JAVA_LONG, 1), info.getAtIndex(JAVA_LONG, 2));
        });
    }

    /** The domain's state ({@code virDomainGetState}, flags 0; the reason is not reported). */
    public DomainState state(String name) throws LibvirtException {
        return connection.onDomain(name, (domain, arena) -> connection.state(domain, name, arena));
    }

    /**
     * Defines (or redefines) a persistent domain from XML ({@code virDomainDefineXML}); does not start it.
     * Returns the domain as defined.
     */
    public DomainInfo define(String xml) throws LibvirtException {
        Objects.requireNonNull(xml, "xml");
        return connection.locked(arena -> {
            MemorySegment domain = callPointer(lib.domainDefineXml, connection.pointer(), arena.allocateFrom(xml));
            if (Connection.isNull(domain)) {
                throw lib.lastError("virDomainDefineXML");
            }
            try {
                return connection.info(domain, arena);
            } finally {
                callInt(lib.domainFree, domain);
            }
        });
    }

    /** Starts a defined domain ({@code virDomainCreate}); {@link LibvirtException#OPERATION_INVALID} if running. */
    public void start(String name) throws LibvirtException {
        onDomainCall(name, "virDomainCreate", lib.domainCreate);
    }

    /** Stops the domain at once, like pulling the plug ({@code virDomainDestroy}); a transient one vanishes. */
    public void destroy(String name) throws LibvirtException {
        onDomainCall(name, "virDomainDestroy", lib.domainDestroy);
    }

    /**
     * Asks the guest to shut down ({@code virDomainShutdown}: ACPI or agent, as libvirt chooses); returns without
     * waiting, and a guest without an OS ignores it.
     */
    public void shutdown(String name) throws LibvirtException {
        onDomainCall(name, "virDomainShutdown", lib.domainShutdown);
    }

    /**
     * Removes the domain's persistent definition with {@link #UNDEFINE_ALL_METADATA}
     * ({@code virDomainUndefineFlags} with {@code MANAGED_SAVE | SNAPSHOTS_METADATA | NVRAM |
     * CHECKPOINTS_METADATA}): a shut-off domain disappears, a running one becomes transient. Checkpoint metadata
     * goes, the QEMU bitmaps in its qcow2 files stay; the UEFI variable store file is deleted (use
     * {@link #undefine(String, int)} with {@link #UNDEFINE_KEEP_NVRAM} to keep it). Disk files are not touched.
     */
    public void undefine(String name) throws LibvirtException {
        undefine(name, UNDEFINE_ALL_METADATA);
    }

    /** {@code virDomainUndefineFlags} with {@code flags} (the {@code UNDEFINE_*} constants). */
    public void undefine(String name, int flags) throws LibvirtException {
        connection.onDomain(name, (domain, arena) -> connection.check(callInt(lib.domainUndefineFlags, domain, flags),
                "virDomainUndefineFlags(domain '" + name + "', flags " + flags + ")"));
    }

    /** Pauses the domain's vCPUs ({@code virDomainSuspend}); its disks stay open and backups keep working. */
    public void suspend(String name) throws LibvirtException {
        onDomainCall(name, "virDomainSuspend", lib.domainSuspend);
    }

    /** Resumes a paused domain ({@code virDomainResume}). */
    public void resume(String name) throws LibvirtException {
        onDomainCall(name, "virDomainResume", lib.domainResume);
    }

    /**
     * Adds a device to the domain ({@code virDomainAttachDeviceFlags}) from its XML, e.g. a {@code <disk>};
     * {@code flags} are {@link #AFFECT_LIVE} (hot-plug into the running domain) and/or {@link #AFFECT_CONFIG}
     * (the persistent definition). A disk hot-plugged with {@link #AFFECT_LIVE} alone is gone after the domain
     * stops. A target name in use, or a domain that is not running with {@link #AFFECT_LIVE}:
     * {@link LibvirtException#OPERATION_INVALID} or {@link LibvirtException#INVALID_ARG}.
     */
    public void attachDevice(String domain, String deviceXml, int flags) throws LibvirtException {
        Objects.requireNonNull(deviceXml, "deviceXml");
        connection.onDomain(domain, (handle, arena) -> connection.check(callInt(lib.domainAttachDeviceFlags, handle,
                arena.allocateFrom(deviceXml), flags), "virDomainAttachDeviceFlags(domain '" + domain + "', flags " + flags + ")"));
    }

    /**
     * Removes a device from the domain ({@code virDomainDetachDeviceFlags}); the XML must identify it (for a disk,
     * its {@code <target dev=…>} is enough). For a running domain QEMU asks the guest to release the device and
     * libvirt waits a few seconds for it: a guest that has not let go by then keeps the device until it does,
     * and the call still returns. Callers that must know it is gone poll {@link #domainXml}.
     */
    public void detachDevice(String domain, String deviceXml, int flags) throws LibvirtException {
        Objects.requireNonNull(deviceXml, "deviceXml");
        connection.onDomain(domain, (handle, arena) -> connection.check(callInt(lib.domainDetachDeviceFlags, handle,
                arena.allocateFrom(deviceXml), flags), "virDomainDetachDeviceFlags(domain '" + domain + "', flags " + flags + ")"));
    }

    /**
     * Starts pulling the whole backing chain of the running domain's {@code disk} (its target, {@code vda}) into
     * the disk's top image ({@code virDomainBlockPull}): a block job that runs while the guest does, and on
     * completion leaves the top image standalone and the chain gone from the live and persistent definitions.
     * {@code bytesPerSecond} limits its speed (0: unlimited). Follow it with {@link #blockJob}.
     */
    public void blockPull(String domain, String disk, long bytesPerSecond) throws LibvirtException {
        Objects.requireNonNull(disk, "disk");
        connection.onDomain(domain, (handle, arena) -> connection.check(callInt(lib.domainBlockPull, handle,
                arena.allocateFrom(disk), bytesPerSecond, bytesPerSecond == 0 ? 0 : PULL_BANDWIDTH_BYTES),
                "virDomainBlockPull(domain '" + domain + "', disk '" + disk + "')"));
    }

    /**
     * The block job running on the domain's {@code disk} ({@code virDomainGetBlockJobInfo}), empty when none: a
     * pull that completed has no job any more.
     */
    public Optional<BlockJob> blockJob(String domain, String disk) throws LibvirtException {
        Objects.requireNonNull(disk, "disk");
        return connection.onDomain(domain, (handle, arena) -> {
            MemorySegment info = arena.allocate(BLOCK_JOB_INFO_SIZE, 8);
            int found = callInt(lib.domainGetBlockJobInfo, handle, arena.allocateFrom(disk), info, JOB_INFO_BANDWIDTH_BYTES);
            if (found < 0) {
                throw lib.lastError("virDomainGetBlockJobInfo(domain '" + domain + "', disk '" + disk + "')");
            }
            if (found == 0) {
                return Optional.<BlockJob>empty();
            }
            return Optional.of(new BlockJob(info.get(JAVA_INT, 0), info.get(JAVA_LONG, 8), info.get(JAVA_LONG, 16),
                    info.get(JAVA_LONG, 24)));
        });
    }

    /** Changes a running block job's speed limit ({@code virDomainBlockJobSetSpeed}); 0 is unlimited. */
    public void blockJobSpeed(String domain, String disk, long bytesPerSecond) throws LibvirtException {
        connection.onDomain(domain, (handle, arena) -> connection.check(callInt(lib.domainBlockJobSetSpeed, handle,
                arena.allocateFrom(disk), bytesPerSecond, SPEED_BANDWIDTH_BYTES),
                "virDomainBlockJobSetSpeed(domain '" + domain + "', disk '" + disk + "')"));
    }

    /**
     * Cancels the block job on {@code disk} ({@code virDomainBlockJobAbort}, flags 0: waits until QEMU has stopped
     * it). A cancelled pull leaves the chain in place; what it copied stays in the top image.
     */
    public void blockJobAbort(String domain, String disk) throws LibvirtException {
        connection.onDomain(domain, (handle, arena) -> connection.check(callInt(lib.domainBlockJobAbort, handle,
                arena.allocateFrom(disk), 0), "virDomainBlockJobAbort(domain '" + domain + "', disk '" + disk + "')"));
    }

    /**
     * Creates a checkpoint of a running domain ({@code virDomainCheckpointCreateXML} with {@code flags}, the
     * {@code CHECKPOINT_CREATE_*} constants, usually 0): a new persistent QEMU dirty bitmap per disk named in
     * the XML with {@code checkpoint='bitmap'}. Disks left out of {@code <disks>} get {@code checkpoint='no'}
     * when they are raw (libvirt refuses raw disks named with a bitmap). Returns the checkpoint's name. A
     * shut-off domain is refused ({@link LibvirtException#OPERATION_UNSUPPORTED}); see docs/design/libvirt.md.
     */
    public String createCheckpoint(String domain, String checkpointXml, int flags) throws LibvirtException {
        Objects.requireNonNull(checkpointXml, "checkpointXml");
        return connection.onDomain(domain, (handle, arena) -> {
            MemorySegment checkpoint = callPointer(lib.checkpointCreateXml, handle,
                    arena.allocateFrom(checkpointXml), flags);
            if (Connection.isNull(checkpoint)) {
                throw lib.lastError("virDomainCheckpointCreateXML(domain '" + domain + "')");
            }
            try {
                return Native.readString(callPointer(lib.checkpointGetName, checkpoint));
            } finally {
                callInt(lib.checkpointFree, checkpoint);
            }
        });
    }

    /**
     * The names of the domain's checkpoints, parents before children (oldest first on a linear chain)
     * ({@code virDomainListAllCheckpoints} with {@code VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL}).
     */
    public List<String> checkpoints(String domain) throws LibvirtException {
        return connection.onDomain(domain, (handle, arena) -> {
            MemorySegment out = arena.allocate(ADDRESS);
            int count = callInt(lib.listAllCheckpoints, handle, out, CHECKPOINT_LIST_TOPOLOGICAL);
            if (count < 0) {
                throw lib.lastError("virDomainListAllCheckpoints(domain '" + domain + "')");
            }
            MemorySegment array = Connection.pointerArray(out, count);
            List<String> names = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    names.add(Native.readString(callPointer(lib.checkpointGetName, array.getAtIndex(ADDRESS, i))));
                }
            } finally {
                for (int i = 0; i < count; i++) {
                    callInt(lib.checkpointFree, array.getAtIndex(ADDRESS, i));
                }
                lib.free(array);
            }
            return List.copyOf(names);
        });
    }

    /**
     * The checkpoint's XML without the copy of the domain definition
     * ({@code virDomainCheckpointGetXMLDesc} with {@link #CHECKPOINT_XML_NO_DOMAIN}): name, parent, creation time
     * and each disk's {@code checkpoint} mode and {@code bitmap} name.
     */
    public String checkpointXml(String domain, String checkpoint) throws LibvirtException {
        return checkpointXml(domain, checkpoint, CHECKPOINT_XML_NO_DOMAIN);
    }

    /** {@code virDomainCheckpointGetXMLDesc} with {@code flags} (the {@code CHECKPOINT_XML_*} constants). */
    public String checkpointXml(String domain, String checkpoint, int flags) throws LibvirtException {
        return connection.onCheckpoint(domain, checkpoint, (handle, arena) -> {
            String xml = lib.takeString(callPointer(lib.checkpointGetXmlDesc, handle, flags));
            if (xml == null) {
                throw lib.lastError("virDomainCheckpointGetXMLDesc(domain '" + domain + "', checkpoint '"
                        + checkpoint + "')");
            }
            return xml;
        });
    }

    /**
     * Deletes a checkpoint ({@code virDomainCheckpointDelete}). Properly (flags 0, running domain only): its
     * bitmaps are removed or merged into the parent checkpoint's. With {@code metadataOnly}
     * ({@code VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY}) only libvirt's record goes and the QEMU bitmaps stay,
     * so a later checkpoint of the same name fails: use it only when the bitmaps are gone already (after a
     * QEMU crash) or the domain is shut off. Missing: {@link LibvirtException#NO_DOMAIN_CHECKPOINT}.
     */
    public void deleteCheckpoint(String domain, String checkpoint, boolean metadataOnly) throws LibvirtException {
        int flags = metadataOnly ? CHECKPOINT_DELETE_METADATA_ONLY : 0;
        connection.onCheckpoint(domain, checkpoint, (handle, arena) -> connection.check(callInt(lib.checkpointDelete, handle, flags),
                "virDomainCheckpointDelete(domain '" + domain + "', checkpoint '" + checkpoint + "', flags "
                        + flags + ")"));
    }

    /**
     * Starts a backup job ({@code virDomainBackupBegin}, flags 0) and, when {@code checkpointXml} is not null,
     * creates that checkpoint at the same instant. In pull mode ({@code <domainbackup mode='pull'>}) QEMU serves
     * every disk as an NBD export named after its target ({@code vda}) on the given socket, with a
     * {@code qemu:dirty-bitmap:backup-<target>} context for incremental disks, until {@link #abortJob} ends the
     * job; libvirt then removes the socket and scratch files. Scratch files must not exist beforehand
     * ({@link LibvirtException#INVALID_ARG}): libvirt creates them in QEMU ({@code blockdev-create}), which
     * QEMU 7.2 survives only if no other client queries the domain's block nodes meanwhile (docs/design/
     * backup-flow.md, "QEMU 7.2 hazards"); {@link #backupBeginOnScratch} avoids that.
     */
    public void backupBegin(String domain, String backupXml, String checkpointXml) throws LibvirtException {
        backupBegin(domain, backupXml, checkpointXml, 0);
    }

    /**
     * {@link #backupBegin} on scratch files the caller has created (qcow2, each of its disk's exact size):
     * {@code VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL}. libvirt only attaches them ({@code blockdev-add}, one
     * monitor command, no window in which a half-open qcow2 node is visible to other queries) and leaves
     * them behind when the job ends: deleting them is the caller's.
     */
    public void backupBeginOnScratch(String domain, String backupXml, String checkpointXml) throws LibvirtException {
        backupBegin(domain, backupXml, checkpointXml, BACKUP_BEGIN_REUSE_EXTERNAL);
    }

    private void backupBegin(String domain, String backupXml, String checkpointXml, int flags) throws LibvirtException {
        Objects.requireNonNull(backupXml, "backupXml");
        connection.onDomain(domain, (handle, arena) -> connection.check(callInt(lib.backupBegin, handle, arena.allocateFrom(backupXml),
                checkpointXml == null ? MemorySegment.NULL : arena.allocateFrom(checkpointXml), flags),
                "virDomainBackupBegin(domain '" + domain + "'" + (flags == 0 ? "" : ", flags " + flags) + ")"));
    }

    /**
     * The running backup job's XML ({@code virDomainBackupGetXMLDesc}, flags 0), with what libvirt filled in:
     * each disk's {@code backupmode}, {@code exportname}, {@code exportbitmap} and scratch file.
     */
    public String backupXml(String domain) throws LibvirtException {
        return connection.onDomain(domain, (handle, arena) -> {
            String xml = lib.takeString(callPointer(lib.backupGetXmlDesc, handle, 0));
            if (xml == null) {
                throw lib.lastError("virDomainBackupGetXMLDesc(domain '" + domain + "')");
            }
            return xml;
        });
    }

    /**
     * The domain's active job ({@code virDomainGetJobStats}, flags 0: not completed jobs), empty when none
     * ({@code VIR_DOMAIN_JOB_NONE}). The typed parameters are freed with {@code virTypedParamsFree}.
     */
    public Optional<JobInfo> job(String domain) throws LibvirtException {
        return connection.onDomain(domain, (handle, arena) -> {
            MemorySegment type = arena.allocate(JAVA_INT);
            MemorySegment params = arena.allocate(ADDRESS);
            MemorySegment count = arena.allocate(JAVA_INT);
            if (callInt(lib.getJobStats, handle, type, params, count, 0) < 0) {
                throw lib.lastError("virDomainGetJobStats(domain '" + domain + "')");
            }
            MemorySegment array = params.get(ADDRESS, 0);
            int n = count.get(JAVA_INT, 0);
            try {
                int jobType = type.get(JAVA_INT, 0);
                if (jobType == 0) {
                    return Optional.empty();
                }
                Map<String, Object> fields = TypedParams.read(array, n);
                int operation = fields.get("operation") instanceof Integer op ? op : 0;
                return Optional.of(new JobInfo(jobType, operation, fields));
            } finally {
                WordCalls.callVoid(lib.typedParamsFree, array, n);
            }
        });
    }

    /**
     * Aborts the domain's active job ({@code virDomainAbortJob}). For a pull-mode backup this is the normal end:
     * the NBD server stops and libvirt removes the socket and scratch files; the checkpoint created with it
     * stays. No job: {@link LibvirtException#OPERATION_INVALID}.
     */
    /**
     * Waits until {@code domain} has no backup job, polling every 10 ms for up to {@code timeout}; returns
     * whether it has none. libvirt ends an aborted pull backup only once QEMU has cancelled its block jobs,
     * after {@link #abortJob} returned, and while it tears the job down the job query may fail ("backup job
     * data missing"): that counts as still ending, unless the domain stopped meanwhile. Does not throw on
     * interrupt: it stops waiting and keeps the interrupt set.
     */
    public boolean awaitNoBackupJob(String domain, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (job(domain).map(j -> !j.isBackup()).orElse(true)) {
                    return true;
                }
            } catch (LibvirtException tearingDown) {
                try {
                    if (!state(domain).active()) {
                        return true;
                    }
                } catch (LibvirtException gone) {
                    return true;
                }
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    public void abortJob(String domain) throws LibvirtException {
        onDomainCall(domain, "virDomainAbortJob", lib.abortJob);
    }

    /**
     * Runs a guest agent command ({@code virDomainQemuAgentCommand}, flags 0), e.g.
     * {@code {"execute":"guest-ping"}}, and returns the agent's JSON reply. {@code timeoutSeconds} is seconds
     * (positive) or {@link #AGENT_TIMEOUT_BLOCK}, {@link #AGENT_TIMEOUT_DEFAULT}, {@link #AGENT_TIMEOUT_NOWAIT}.
     * No agent channel in the domain: {@link LibvirtException#ARGUMENT_UNSUPPORTED}; an agent that does not
     * answer: {@link LibvirtException#AGENT_UNRESPONSIVE}.
     */
    public String agentCommand(String domain, String json, int timeoutSeconds) throws LibvirtException {
        Objects.requireNonNull(json, "json");
        return connection.onDomain(domain, (handle, arena) -> {
            String reply = lib.takeString(callPointer(lib.qemuAgentCommand, handle, arena.allocateFrom(json),
                    timeoutSeconds, 0));
            if (reply == null) {
                throw lib.lastError("virDomainQemuAgentCommand(domain '" + domain + "')");
            }
            return reply;
        });
    }

    /**
     * Runs a QEMU monitor command ({@code virDomainQemuMonitorCommand}) and returns QEMU's reply: a QMP JSON
     * command, e.g. {@code {"execute":"query-named-block-nodes"}}, or with {@code hmp} a human monitor command
     * ({@code VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP}). Unsupported by libvirt: a command can change the domain
     * behind libvirt's back; meant for inspection and tests.
     */
    public String monitorCommand(String domain, String command, boolean hmp) throws LibvirtException {
        Objects.requireNonNull(command, "command");
        return connection.onDomain(domain, (handle, arena) -> {
            MemorySegment out = arena.allocate(ADDRESS);
            int flags = hmp ? MONITOR_COMMAND_HMP : 0;
            if (callInt(lib.qemuMonitorCommand, handle, arena.allocateFrom(command), out, flags) < 0) {
                throw lib.lastError("virDomainQemuMonitorCommand(domain '" + domain + "')");
            }
            return lib.takeString(out.get(ADDRESS, 0));
        });
    }

    /** Closes the connection ({@code virConnectClose}) after calls in flight; idempotent; never throws. */
    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "Libvirt[" + connection.uri() + "]";
    }

    private void onDomainCall(String name, String call, Downcall function) throws LibvirtException {
        connection.onDomain(name, (domain, arena) -> connection.check(callInt(function, domain),
                call + "(domain '" + name + "')"));
    }
}
