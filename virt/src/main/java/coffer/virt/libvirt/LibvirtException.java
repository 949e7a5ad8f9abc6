package coffer.virt.libvirt;

import java.io.IOException;

/**
 * A failed libvirt call: which call (with its subject, e.g. {@code virDomainCreate(domain 'web-1')}), and the
 * error libvirt recorded for it: its {@code virErrorNumber} ({@link #code()}), {@code virErrorDomain}
 * ({@link #errorDomain()}, the part of libvirt that raised it) and message.
 *
 * <p>The codes callers are expected to branch on have constants here; any other {@code virErrorNumber} may
 * appear. {@link #NOT_FROM_LIBVIRT} marks failures without a libvirt error (the library cannot be loaded, a call
 * failed without recording one).
 *
 * <p>Immutable; thread-safe.
 */
public final class LibvirtException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Not a {@code virErrorNumber}: the failure did not come with a libvirt error. */
    public static final int NOT_FROM_LIBVIRT = -1;
    /** {@code VIR_ERR_INTERNAL_ERROR}, e.g. a QEMU command failed ("Bitmap already exists"). */
    public static final int INTERNAL_ERROR = 1;
    /** {@code VIR_ERR_NO_CONNECT}: cannot connect to the hypervisor. */
    public static final int NO_CONNECT = 5;
    /** {@code VIR_ERR_INVALID_ARG}, e.g. a backup scratch file that already exists. */
    public static final int INVALID_ARG = 8;
    /** {@code VIR_ERR_OPERATION_FAILED}, e.g. a checkpoint name that exists. */
    public static final int OPERATION_FAILED = 9;
    /** {@code VIR_ERR_XML_ERROR}: XML that parses but does not describe a valid object. */
    public static final int XML_ERROR = 27;
    /** {@code VIR_ERR_XML_DETAIL}: XML that does not parse (the message has the parser's detail). */
    public static final int XML_DETAIL = 35;
    /** {@code VIR_ERR_NO_DOMAIN}: no such domain. */
    public static final int NO_DOMAIN = 42;
    /** {@code VIR_ERR_OPERATION_INVALID}: not possible in the domain's state (e.g. start a running domain). */
    public static final int OPERATION_INVALID = 55;
    /** {@code VIR_ERR_CONFIG_UNSUPPORTED}, e.g. a checkpoint of a raw disk. */
    public static final int CONFIG_UNSUPPORTED = 67;
    /** {@code VIR_ERR_OPERATION_TIMEOUT}, e.g. the guest agent did not answer in time. */
    public static final int OPERATION_TIMEOUT = 68;
    /** {@code VIR_ERR_ARGUMENT_UNSUPPORTED}, e.g. an agent command to a domain without an agent channel. */
    public static final int ARGUMENT_UNSUPPORTED = 74;
    /** {@code VIR_ERR_OPERATION_UNSUPPORTED}, e.g. a checkpoint or backup of a shut-off domain. */
    public static final int OPERATION_UNSUPPORTED = 84;
    /** {@code VIR_ERR_AGENT_UNRESPONSIVE}: the guest agent channel exists but the agent does not answer. */
    public static final int AGENT_UNRESPONSIVE = 86;
    /** {@code VIR_ERR_NO_DOMAIN_CHECKPOINT}: no such checkpoint. */
    public static final int NO_DOMAIN_CHECKPOINT = 103;
    /** {@code VIR_ERR_CHECKPOINT_INCONSISTENT}: a checkpoint whose bitmap is missing or broken. */
    public static final int CHECKPOINT_INCONSISTENT = 109;

    private final String call;
    private final int code;
    private final int errorDomain;
    private final String libvirtMessage;

    LibvirtException(String call, int code, int errorDomain, String libvirtMessage) {
        super(call + " failed: " + (libvirtMessage == null ? "no message" : libvirtMessage)
                + " (libvirt error " + code + ", domain " + errorDomain + ")");
        this.call = call;
        this.code = code;
        this.errorDomain = errorDomain;
        this.libvirtMessage = libvirtMessage;
    }

    /** The call that failed, with what it was called on, e.g. {@code virDomainLookupByName('web-1')}. */
    public String call() {
        return call;
    }

    /** libvirt's {@code virErrorNumber}, or {@link #NOT_FROM_LIBVIRT}. */
    public int code() {
        return code;
    }

    /** libvirt's {@code virErrorDomain} (e.g. 10 = {@code VIR_FROM_QEMU}, 6 = {@code VIR_FROM_DOM}). */
    public int errorDomain() {
        return errorDomain;
    }

    /** libvirt's message as libvirt wrote it; null when it gave none. */
    public String libvirtMessage() {
        return libvirtMessage;
    }
}
