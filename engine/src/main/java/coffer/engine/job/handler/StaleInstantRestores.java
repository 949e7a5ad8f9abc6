package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Host;
import coffer.engine.error.Errors;
import coffer.virt.domain.DiskSpec;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageInfo;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes instant restores whose server died before their copy completed (docs/design/live-access.md, "After a
 * restart"): such an instance reads what it has not copied from an export that is gone, so it is never kept. At a
 * server's start every domain of every host is looked at: one whose definition (live or persistent) names an NBD
 * socket under {@code <runtime root>/instant/} that no process serves any more (the socket file is gone, or nothing
 * accepts on it) is destroyed and undefined, and its overlays (qcow2 files whose backing is such an export) deleted;
 * each is logged and returned. An instant restore whose copy completed names no socket and is left alone. A host an
 * agent serves is not connected to: the agent runs this at its start on its own host (docs/design/agents.md).
 *
 * <p>Stateless; thread-safe.
 */
public final class StaleInstantRestores {
    private static final System.Logger LOG = System.getLogger(StaleInstantRestores.class.getName());
    private static final Pattern SOCKET = Pattern.compile("socket=['\"]([^'\"]+)['\"]");

    private final Catalog catalog;
    private final HostConnections hosts;
    private final Path root;

    public StaleInstantRestores(Catalog catalog, Path runtimeRoot) {
        this.catalog = catalog;
        this.hosts = new HostConnections(catalog);
        this.root = runtimeRoot.toAbsolutePath().normalize().resolve("instant");
    }

    /** Removes every instance of a dead instant restore on every host; one line per instance removed. */
    public List<String> removeAll() {
        List<String> report = new ArrayList<>();
        Set<String> agents = new java.util.HashSet<>();
        catalog.hosts().agentServed().forEach(seen -> agents.add(seen.hostId()));
        for (Host host : catalog.hosts().list()) {
            if (agents.contains(host.id())) { // its agent removes them at its start (docs/design/agents.md)
                continue;
            }
            try (Libvirt libvirt = hosts.connect(host.id())) {
                for (DomainInfo domain : libvirt.domains()) {
                    remove(libvirt, domain, report);
                }
            } catch (RuntimeException | LibvirtException e) {
                LOG.log(System.Logger.Level.WARNING, "dead instant restores on host " + host.id() + " not looked for: "
                        + Errors.classify(e).getMessage());
            }
        }
        return report;
    }

    private void remove(Libvirt libvirt, DomainInfo domain, List<String> report) {
        try {
            String xml = libvirt.domainXml(domain.name(), true) + (domain.state().active() ? libvirt.domainXml(domain.name(), false) : "");
            Set<String> dead = new LinkedHashSet<>();
            Matcher m = SOCKET.matcher(xml);
            while (m.find()) {
                Path socket = Path.of(m.group(1)).normalize();
                if (socket.startsWith(root) && !served(socket)) {
                    dead.add(socket.toString());
                }
            }
            if (dead.isEmpty()) {
                return;
            }
            List<Path> overlays = new ArrayList<>();
            for (DiskSpec disk : DomainDefinition.parse(libvirt.domainXml(domain.name(), true)).disks()) {
                if ("file".equals(disk.type()) && disk.source() != null && overlayOfDeadExport(Path.of(disk.source()))) {
                    overlays.add(Path.of(disk.source()));
                }
            }
            if (domain.state().active()) {
                libvirt.destroy(domain.name());
            }
            libvirt.undefine(domain.name());
            for (Path overlay : overlays) {
                Files.deleteIfExists(overlay);
            }
            for (String socket : dead) {
                coffer.vault.fs.FileTree.delete(Path.of(socket).getParent());
            }
            String line = "instance " + domain.name() + " of an instant restore read a dead export (" + String.join(", ", dead)
                    + "): removed with its overlays " + overlays;
            report.add(line);
            LOG.log(System.Logger.Level.WARNING, line);
        } catch (IOException | RuntimeException e) {
            report.add("instance " + domain.name() + ": could not be looked at or removed: " + e.getMessage());
        }
    }

    /** Whether a qcow2 file's backing is an export under the instant restores' directory. */
    private boolean overlayOfDeadExport(Path file) {
        try {
            ImageInfo info = DiskImages.inspect(file, "qcow2");
            return info.backingFile().map(b -> b.startsWith("nbd+unix://") && b.contains("socket=" + root + "/")).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether a process accepts connections on the socket. */
    private static boolean served(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
