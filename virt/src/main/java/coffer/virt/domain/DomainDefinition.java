package coffer.virt.domain;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A libvirt domain definition ({@code <domain>} XML): read its name, UUID and disks, and derive the
 * definition of a restored copy. Parsing refuses DTDs and external entities.
 *
 * <p>Immutable: every change returns a new definition.
 */
public final class DomainDefinition {
    private final Document document;

    private DomainDefinition(Document document) {
        this.document = document;
    }

    public static DomainDefinition parse(String xml) throws DomainDefinitionException {
        try {
            Document document = builder().parse(new InputSource(new StringReader(xml)));
            Element root = document.getDocumentElement();
            if (!"domain".equals(root.getTagName())) {
                throw new DomainDefinitionException("not a libvirt domain definition: root element <" + root.getTagName() + ">");
            }
            DomainDefinition definition = new DomainDefinition(document);
            if (definition.name().isBlank()) {
                throw new DomainDefinitionException("domain definition has no <name>");
            }
            for (DiskSpec disk : definition.disks()) {
                if (disk.target() == null || disk.target().isBlank()) {
                    throw new DomainDefinitionException("a disk of domain " + definition.name() + " has no <target dev=…>");
                }
            }
            return definition;
        } catch (SAXException | IOException e) {
            throw new DomainDefinitionException("cannot parse domain XML: " + e.getMessage(), e);
        }
    }

    public String name() {
        return text(document.getDocumentElement(), "name");
    }

    /** The UUID, or empty when the definition has none (libvirt then generates one). */
    public Optional<String> uuid() {
        String uuid = text(document.getDocumentElement(), "uuid");
        return uuid.isBlank() ? Optional.empty() : Optional.of(uuid);
    }

    /** {@code kvm}, {@code qemu}, … */
    public String hypervisorType() {
        return document.getDocumentElement().getAttribute("type");
    }

    public List<DiskSpec> disks() {
        List<DiskSpec> disks = new ArrayList<>();
        for (Element disk : diskElements()) {
            disks.add(spec(disk));
        }
        return disks;
    }

    /**
     * The disks read from an NBD export on a Unix socket (network disks of protocol {@code nbd}, as a mount attaches
     * them): socket path by target, in document order. Backing stores are not included.
     */
    public java.util.Map<String, String> nbdSockets() {
        java.util.Map<String, String> sockets = new java.util.LinkedHashMap<>();
        for (Element disk : diskElements()) {
            Element source = firstChild(disk, "source");
            if (!"network".equals(disk.getAttribute("type")) || source == null || !"nbd".equals(source.getAttribute("protocol"))) {
                continue;
            }
            Element host = firstChild(source, "host");
            if (host != null && "unix".equals(host.getAttribute("transport")) && !host.getAttribute("socket").isEmpty()
                    && targetOf(disk) != null) {
                sockets.put(targetOf(disk), host.getAttribute("socket"));
            }
        }
        return sockets;
    }

    public Optional<DiskSpec> disk(String target) {
        return disks().stream().filter(d -> d.target().equals(target)).findFirst();
    }

    public String xml() {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize a parsed DOM", e);
        }
    }

    /**
     * This definition with {@code count} virtual CPUs: {@code <vcpu>} set (any {@code current} count dropped), and the
     * per-CPU list ({@code <vcpus>}) and CPU topology ({@code <cpu><topology>}) removed, since they were made for
     * the old count (libvirt then gives one socket per CPU).
     */
    public DomainDefinition withVcpus(int count) {
        Document copy = (Document) document.cloneNode(true);
        Element root = copy.getDocumentElement();
        setText(copy, root, "vcpu", Integer.toString(count));
        firstChild(root, "vcpu").removeAttribute("current");
        removeChildren(root, "vcpus");
        Element cpu = firstChild(root, "cpu");
        if (cpu != null) {
            removeChildren(cpu, "topology");
        }
        return new DomainDefinition(copy);
    }

    /** This definition with {@code kibibytes} of memory: {@code <memory>} and {@code <currentMemory>}, in KiB. */
    public DomainDefinition withMemory(long kibibytes) {
        Document copy = (Document) document.cloneNode(true);
        Element root = copy.getDocumentElement();
        for (String tag : List.of("memory", "currentMemory")) {
            if (tag.equals("memory") || firstChild(root, tag) != null) {
                setText(copy, root, tag, Long.toString(kibibytes));
                firstChild(root, tag).setAttribute("unit", "KiB");
            }
        }
        return new DomainDefinition(copy);
    }

    /**
     * The networks and bridges the interfaces connect to ({@code <source network=…>} or {@code <source bridge=…>}),
     * in order; other interface kinds are left out.
     */
    public List<String> interfaceSources() {
        List<String> sources = new ArrayList<>();
        for (Element iface : elements(document, "interface")) {
            String source = interfaceSource(iface);
            if (source != null) {
                sources.add(source);
            }
        }
        return sources;
    }

    /**
     * This definition with each interface's network or bridge renamed by {@code mapping} (old name → new name);
     * interfaces whose source the mapping does not name are kept as they are.
     */
    public DomainDefinition withInterfaceSources(Map<String, String> mapping) {
        Document copy = (Document) document.cloneNode(true);
        for (Element iface : elements(copy, "interface")) {
            String type = iface.getAttribute("type");
            Element source = firstChild(iface, "source");
            String old = interfaceSource(iface);
            if (old != null && mapping.containsKey(old)) {
                source.setAttribute(type.equals("bridge") ? "bridge" : "network", mapping.get(old));
            }
        }
        return new DomainDefinition(copy);
    }

    /**
     * This definition with every network interface's traffic filtered by the libvirt network filter {@code filter}
     * (its "security group": {@code <filterref filter='NAME'/>}), replacing any filter it had; the filter must exist on
     * the host that starts the domain.
     */
    public DomainDefinition withInterfaceFilter(String filter) {
        Document copy = (Document) document.cloneNode(true);
        for (Element iface : elements(copy, "interface")) {
            for (Element old = firstChild(iface, "filterref"); old != null; old = firstChild(iface, "filterref")) {
                iface.removeChild(old);
            }
            Element ref = copy.createElement("filterref");
            ref.setAttribute("filter", filter);
            iface.appendChild(ref);
        }
        return new DomainDefinition(copy);
    }

    /** This definition without network interfaces. */
    public DomainDefinition withoutInterfaces() {
        Document copy = (Document) document.cloneNode(true);
        for (Element iface : elements(copy, "interface")) {
            iface.getParentNode().removeChild(iface);
        }
        return new DomainDefinition(copy);
    }

    private static String interfaceSource(Element iface) {
        Element source = firstChild(iface, "source");
        if (source == null) {
            return null;
        }
        String attribute = switch (iface.getAttribute("type")) {
            case "network" -> "network";
            case "bridge" -> "bridge";
            default -> null;
        };
        return attribute == null || source.getAttribute(attribute).isEmpty() ? null : source.getAttribute(attribute);
    }

    /** An NBD export on a Unix socket that a disk image reads through to (see {@link #withNbdBackings}). */
    public record NbdBacking(java.nio.file.Path socket, String export) {
    }

    /** Where a restored disk's data now lives. */
    public record NewDisk(String file, String format) {
    }

    /**
     * The definition of a new instance restored from this one: another name, no UUID (libvirt makes one),
     * no MAC addresses (libvirt makes new ones, so the copy can run beside the original), the given disks
     * pointed at their new files, and the {@code removed} disks left out.
     */
    public DomainDefinition asNewInstance(String newName, Map<String, NewDisk> newDisks, Set<String> removed) {
        Document copy = (Document) document.cloneNode(true);
        Element root = copy.getDocumentElement();
        setText(copy, root, "name", newName);
        removeChildren(root, "uuid");
        for (Element iface : elements(copy, "interface")) {
            removeChildren(iface, "mac");
        }
        return new DomainDefinition(copy).withDisks(newDisks, removed);
    }

    /** The QEMU guest agent's channel name. */
    public static final String AGENT_CHANNEL = "org.qemu.guest_agent.0";

    /** Devices that reach the host or the network outside the copy's own disks: a throwaway copy has none. */
    private static final List<String> HOST_REACHING = List.of("interface", "hostdev", "redirdev", "filesystem",
            "smartcard", "shmem", "graphics", "audio", "parallel");

    /** Character devices whose source is a host resource (a file, socket, device, port, pipe). */
    private static final List<String> CHARACTER_DEVICES = List.of("serial", "console", "channel");

    /** The free-text description ({@code <description>}), empty when there is none. */
    public String description() {
        return text(document.getDocumentElement(), "description");
    }

    /**
     * A throwaway copy that reaches nothing outside its own disks (docs/design/assurance.md, restore drills): no
     * network interface, no host device, shared directory, display, shared memory or parallel port; serial ports and
     * consoles become ptys (never the original's log file or socket); of the channels only the guest agent's stays,
     * with a socket libvirt makes for the copy (one is added when the definition has none); no NVRAM file of the
     * original (libvirt makes a fresh one from its template); and {@code description} as its description (how a
     * leftover copy is recognized). Apply after {@link #asNewInstance}, which gives the copy its name and disks.
     */
    public DomainDefinition isolated(String description) {
        Document copy = (Document) document.cloneNode(true);
        Element root = copy.getDocumentElement();
        Element devices = firstChild(root, "devices");
        if (devices == null) {
            devices = copy.createElement("devices");
            root.appendChild(devices);
        }
        for (String tag : HOST_REACHING) {
            removeChildren(devices, tag);
        }
        boolean agent = false;
        for (String tag : CHARACTER_DEVICES) {
            for (Element device : children(devices, tag)) {
                Element target = firstChild(device, "target");
                boolean isAgent = tag.equals("channel") && target != null && AGENT_CHANNEL.equals(target.getAttribute("name"));
                if (tag.equals("channel") && !isAgent) {
                    devices.removeChild(device);
                    continue;
                }
                removeChildren(device, "source");
                removeChildren(device, "log");
                removeChildren(device, "protocol");
                device.setAttribute("type", isAgent ? "unix" : "pty");
                agent |= isAgent;
            }
        }
        if (!agent) {
            Element channel = copy.createElement("channel");
            channel.setAttribute("type", "unix");
            Element target = copy.createElement("target");
            target.setAttribute("type", "virtio");
            target.setAttribute("name", AGENT_CHANNEL);
            channel.appendChild(target);
            devices.appendChild(channel);
        }
        Element os = firstChild(root, "os");
        if (os != null) {
            removeChildren(os, "nvram");
        }
        setText(copy, root, "description", description);
        return new DomainDefinition(copy);
    }

    /** The same instance with disks pointed at new files (in-place restore keeps name and UUID). */
    public DomainDefinition withDisks(Map<String, NewDisk> newDisks, Set<String> removed) {
        Document copy = (Document) document.cloneNode(true);
        for (Element disk : elements(copy, "disk")) {
            String target = targetOf(disk);
            if (removed.contains(target)) {
                disk.getParentNode().removeChild(disk);
                continue;
            }
            NewDisk replacement = newDisks.get(target);
            if (replacement == null) {
                continue;
            }
            disk.setAttribute("type", "file");
            removeChildren(disk, "source");
            removeChildren(disk, "backingStore");
            Element source = copy.createElement("source");
            source.setAttribute("file", replacement.file());
            disk.insertBefore(source, firstChild(disk, "target"));
            Element driver = firstChild(disk, "driver");
            if (driver == null) {
                driver = copy.createElement("driver");
                driver.setAttribute("name", "qemu");
                disk.insertBefore(driver, disk.getFirstChild());
            }
            driver.setAttribute("type", replacement.format());
        }
        return new DomainDefinition(copy);
    }

    /**
     * The same definition with each named disk's image backed by an NBD export (an instant restore's overlay
     * reading through to the point): a {@code <backingStore type='network'>} of protocol {@code nbd} over the
     * export's Unix socket, raw, ending the chain, in place of any backing chain the disk had. libvirt then uses
     * this chain instead of probing the image's header.
     */
    public DomainDefinition withNbdBackings(Map<String, NbdBacking> backings) {
        Document copy = (Document) document.cloneNode(true);
        for (Element disk : elements(copy, "disk")) {
            NbdBacking backing = backings.get(targetOf(disk));
            if (backing == null) {
                continue;
            }
            removeChildren(disk, "backingStore");
            Element store = copy.createElement("backingStore");
            store.setAttribute("type", "network");
            Element format = copy.createElement("format");
            format.setAttribute("type", "raw");
            Element source = copy.createElement("source");
            source.setAttribute("protocol", "nbd");
            source.setAttribute("name", backing.export());
            Element host = copy.createElement("host");
            host.setAttribute("transport", "unix");
            host.setAttribute("socket", backing.socket().toString());
            source.appendChild(host);
            store.appendChild(format);
            store.appendChild(source);
            store.appendChild(copy.createElement("backingStore"));
            disk.insertBefore(store, firstChild(disk, "target"));
        }
        return new DomainDefinition(copy);
    }

    private static DiskSpec spec(Element disk) {
        Element driver = firstChild(disk, "driver");
        Element source = firstChild(disk, "source");
        Element target = firstChild(disk, "target");
        String type = disk.getAttribute("type");
        String path = null;
        if (source != null) {
            path = switch (type) {
                case "file" -> source.getAttribute("file");
                case "block" -> source.getAttribute("dev");
                case "dir" -> source.getAttribute("dir");
                case "network" -> source.getAttribute("protocol") + ":" + source.getAttribute("name");
                case "volume" -> source.getAttribute("pool") + "/" + source.getAttribute("volume");
                default -> null;
            };
        }
        String device = disk.getAttribute("device");
        return new DiskSpec(targetOf(disk), device.isEmpty() ? "disk" : device, type.isEmpty() ? "file" : type,
                driver == null || driver.getAttribute("type").isEmpty() ? null : driver.getAttribute("type"),
                path == null || path.isEmpty() ? null : path,
                target == null ? null : target.getAttribute("bus"),
                firstChild(disk, "shareable") != null, firstChild(disk, "readonly") != null,
                firstChild(disk, "transient") != null);
    }

    private static String targetOf(Element disk) {
        Element target = firstChild(disk, "target");
        return target == null ? null : target.getAttribute("dev");
    }

    private List<Element> diskElements() {
        return elements(document, "disk");
    }

    /** {@code <disk>} and {@code <interface>} elements directly under {@code <devices>}. */
    private static List<Element> elements(Document document, String tag) {
        List<Element> result = new ArrayList<>();
        Element devices = firstChild(document.getDocumentElement(), "devices");
        if (devices == null) {
            return result;
        }
        NodeList children = devices.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                result.add(e);
            }
        }
        return result;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                result.add(e);
            }
        }
        return result;
    }

    private static Element firstChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String tag) {
        Element child = firstChild(parent, tag);
        return child == null ? "" : child.getTextContent().trim();
    }

    private static void setText(Document document, Element parent, String tag, String value) {
        Element child = firstChild(parent, tag);
        if (child == null) {
            child = document.createElement(tag);
            parent.insertBefore(child, parent.getFirstChild());
        }
        child.setTextContent(value);
    }

    private static void removeChildren(Element parent, String tag) {
        Element child;
        while ((child = firstChild(parent, tag)) != null) {
            parent.removeChild(child);
        }
    }

    private static DocumentBuilder builder() throws DomainDefinitionException {
        try {
            // the JDK's own parser, without the provider look-up of newInstance() (system property, jaxp.properties,
            // a class-path scan for a service; none is configured: ~5 ms of the backup's plan, docs/performance.md,
            // "Session 15"); the features below are this parser's
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new DomainDefinitionException("XML parser unavailable", e);
        }
    }
}
