package coffer.virt.domain;

import java.nio.file.Path;
import java.util.List;

/**
 * The XML documents of a libvirt pull-mode backup (docs/design/libvirt.md): the {@code <domainbackup>} that
 * exports the chosen disks over one NBD Unix socket, and the {@code <domaincheckpoint>} created in the same
 * transaction so the next backup can be incremental.
 *
 * <p>Stateless; thread-safe.
 */
public final class BackupXml {
    private BackupXml() {
    }

    /**
     * A disk to export. With {@code incrementalFrom} set, NBD block status under context
     * {@code qemu:dirty-bitmap:backup-<target>} lists what changed since that checkpoint; otherwise the
     * disk is exported whole ({@code backupmode='full'}).
     */
    public record Disk(String target, String incrementalFrom, Path scratch) {
    }

    public static String pull(Path socket, List<Disk> disks, List<String> excluded) {
        StringBuilder xml = new StringBuilder("<domainbackup mode='pull'>\n");
        xml.append("  <server transport='unix' socket='").append(escape(socket.toString())).append("'/>\n");
        xml.append("  <disks>\n");
        for (Disk disk : disks) {
            xml.append("    <disk name='").append(escape(disk.target())).append("' backup='yes' type='file'");
            if (disk.incrementalFrom() != null) {
                xml.append(" backupmode='incremental' incremental='").append(escape(disk.incrementalFrom())).append('\'');
            } else {
                xml.append(" backupmode='full'");
            }
            xml.append(">\n      <scratch file='").append(escape(disk.scratch().toString())).append("'/>\n    </disk>\n");
        }
        for (String target : excluded) {
            xml.append("    <disk name='").append(escape(target)).append("' backup='no'/>\n");
        }
        return xml.append("  </disks>\n</domainbackup>\n").toString();
    }

    /** A checkpoint keeping a bitmap on {@code bitmapDisks} and none on {@code others}. */
    public static String checkpoint(String name, List<String> bitmapDisks, List<String> others) {
        StringBuilder xml = new StringBuilder("<domaincheckpoint>\n  <name>").append(escape(name)).append("</name>\n");
        xml.append("  <description>Coffer change tracking; removed by Coffer when no longer needed</description>\n");
        xml.append("  <disks>\n");
        for (String target : bitmapDisks) {
            xml.append("    <disk name='").append(escape(target)).append("' checkpoint='bitmap'/>\n");
        }
        for (String target : others) {
            xml.append("    <disk name='").append(escape(target)).append("' checkpoint='no'/>\n");
        }
        return xml.append("  </disks>\n</domaincheckpoint>\n").toString();
    }

    /**
     * A checkpoint to redefine over bitmaps already added to the disk images (shut-off domains: libvirt
     * cannot create checkpoints of inactive domains, but can redefine one; {@code creationTime} is required).
     */
    public static String redefinedCheckpoint(String name, long creationTime, List<String> bitmapDisks) {
        StringBuilder xml = new StringBuilder("<domaincheckpoint>\n  <name>").append(escape(name)).append("</name>\n");
        xml.append("  <description>Coffer change tracking; removed by Coffer when no longer needed</description>\n");
        xml.append("  <creationTime>").append(creationTime).append("</creationTime>\n  <disks>\n");
        for (String target : bitmapDisks) {
            xml.append("    <disk name='").append(escape(target)).append("' checkpoint='bitmap' bitmap='")
                    .append(escape(name)).append("'/>\n");
        }
        return xml.append("  </disks>\n</domaincheckpoint>\n").toString();
    }

    /** The disks a checkpoint definition keeps a bitmap on. */
    public static List<String> bitmapDisksOf(String checkpointXml) throws DomainDefinitionException {
        try {
            var factory = javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance(); // as DomainDefinition's
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var document = factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(checkpointXml)));
            var disks = document.getElementsByTagName("disk");
            List<String> result = new java.util.ArrayList<>();
            for (int i = 0; i < disks.getLength(); i++) {
                var disk = (org.w3c.dom.Element) disks.item(i);
                if ("bitmap".equals(disk.getAttribute("checkpoint"))) {
                    result.add(disk.getAttribute("name"));
                }
            }
            return result;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException | java.io.IOException e) {
            throw new DomainDefinitionException("cannot parse checkpoint XML: " + e.getMessage(), e);
        }
    }

    static String escape(String value) {
        return value.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
