package coffer.testing;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tests' domain XML ({@link DomainXml}) reads back, through an XML parser, as the values it was given: names,
 * titles and paths made of markup stay text; disks in order with their format, file and target; direct kernel boot.
 */
class DomainXmlTest {
    private static final String MARKUP = "<b id=\"x\">it's & more</b>";

    @Test
    void valuesOfMarkupReadBackAsText() throws Exception {
        String xml = DomainXml.of("qemu", MARKUP).uuid("0b1c2d3e-0000-4000-8000-000000000001").title(MARKUP)
                .description(MARKUP).disk("vda", "qcow2", Path.of("/tmp/a.qcow2"))
                .disk("vdb", "raw", Path.of("/tmp/" + MARKUP + ".raw")).xml();
        Element domain = parse(xml).getDocumentElement();

        assertEquals("qemu", domain.getAttribute("type"));
        assertEquals(MARKUP, text(domain, "name"));
        assertEquals(MARKUP, text(domain, "title"));
        assertEquals(MARKUP, text(domain, "description"));
        assertEquals("0b1c2d3e-0000-4000-8000-000000000001", text(domain, "uuid"));
        assertEquals("64", text(domain, "memory"));
        NodeList disks = domain.getElementsByTagName("disk");
        assertEquals(2, disks.getLength());
        Element second = (Element) disks.item(1);
        assertEquals("raw", ((Element) second.getElementsByTagName("driver").item(0)).getAttribute("type"));
        assertEquals("/tmp/" + MARKUP + ".raw", ((Element) second.getElementsByTagName("source").item(0)).getAttribute("file"));
        assertEquals("vdb", ((Element) second.getElementsByTagName("target").item(0)).getAttribute("dev"));
        assertEquals("hd", ((Element) domain.getElementsByTagName("boot").item(0)).getAttribute("dev"));
    }

    @Test
    void aGuestBootsItsKernelWithItsDevices() throws Exception {
        String xml = DomainXml.of("kvm", "guest").memoryMiB(192)
                .directKernel(Path.of("/k/vmlinuz"), Path.of("/k/initrd.img"), "console=ttyS0 root=/dev/vda")
                .disk("vda", "qcow2", Path.of("/d/root.qcow2")).serialLog(Path.of("/d/console.log")).agentChannel()
                .noBalloon().xml();
        Element domain = parse(xml).getDocumentElement();

        assertEquals("192", text(domain, "memory"));
        assertEquals("/k/vmlinuz", text(domain, "kernel"));
        assertEquals("/k/initrd.img", text(domain, "initrd"));
        assertEquals("console=ttyS0 root=/dev/vda", text(domain, "cmdline"));
        assertEquals(0, domain.getElementsByTagName("boot").getLength());
        assertEquals("/d/console.log",
                ((Element) ((Element) domain.getElementsByTagName("serial").item(0)).getElementsByTagName("source").item(0))
                        .getAttribute("path"));
        assertEquals("org.qemu.guest_agent.0",
                ((Element) ((Element) domain.getElementsByTagName("channel").item(0)).getElementsByTagName("target").item(0))
                        .getAttribute("name"));
        assertEquals("none", ((Element) domain.getElementsByTagName("memballoon").item(0)).getAttribute("model"));
        assertEquals("destroy", text(domain, "on_crash"));
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Element domain, String tag) {
        NodeList nodes = domain.getElementsByTagName(tag);
        assertEquals(1, nodes.getLength(), tag);
        return nodes.item(0).getTextContent();
    }
}
