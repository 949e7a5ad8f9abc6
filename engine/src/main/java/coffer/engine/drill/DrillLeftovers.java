package coffer.engine.drill;

import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes the copies of drills whose process died (killed, host crash) before it could: domains named
 * {@code coffer-drill-…} whose description marks them as a drill's ({@link DrillCopy}) of a process of this host that
 * no longer runs. Their disk directory is deleted only when it lies beneath the drills' directory (a description is
 * never trusted to name what to delete elsewhere). Copies of drills still running, or of other hosts, are left alone.
 *
 * <p>Stateless; thread-safe.
 */
public final class DrillLeftovers {
    private DrillLeftovers() {
    }

    /** Removes the abandoned copies; returns the names removed (and what could not be, as warnings). */
    public static List<String> clean(Libvirt libvirt, Path root, List<String> warnings) throws LibvirtException {
        List<String> removed = new ArrayList<>();
        Path drills = root.toAbsolutePath().normalize();
        for (DomainInfo domain : libvirt.domains()) {
            if (!domain.name().startsWith(DrillCopy.PREFIX)) {
                continue;
            }
            String description;
            try {
                description = coffer.virt.domain.DomainDefinition.parse(libvirt.domainXml(domain.name(), true)).description();
            } catch (java.io.IOException unreadable) {
                continue;
            }
            Optional<DrillCopy> copy = DrillCopy.parse(domain.name(), description);
            if (copy.isEmpty() || !copy.get().abandoned()) {
                continue;
            }
            Path dir = copy.get().directory().toAbsolutePath().normalize();
            boolean ours = dir.startsWith(drills) && !dir.equals(drills);
            List<String> problems = copy.get().remove(libvirt, ours);
            if (!ours) {
                warnings.add("left directory " + dir + " of abandoned drill copy " + domain.name() + " alone: it is not"
                        + " beneath " + drills);
            }
            warnings.addAll(problems);
            if (problems.isEmpty()) {
                removed.add(domain.name());
            }
        }
        return removed;
    }
}
