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
 * {@code coffer-drill-…} whose description marks them as a drill's ({@link DrillCopy}) that is abandoned: of a process
 * of this host and boot that no longer runs, of an earlier boot of this machine, or older than
 * {@link DrillCopy#ABANDONED_AFTER} (docs/design/locking.md, session 23). Their disk directory is deleted only when it
 * lies beneath the drills' directory (a description is never trusted to name what to delete elsewhere). Copies of drills
 * still running are left alone. Another cleaner may remove the same copy meanwhile: that is not a problem.
 *
 * <p>Stateless; thread-safe.
 */
public final class DrillLeftovers {
    private DrillLeftovers() {
    }

    /**
     * Removes the abandoned copies; returns the names removed (and what could not be, as warnings). A copy that another
     * cleaner removes while this one looks (a drill's, a server's or an agent's start on the same host) is not a
     * problem: it is skipped when it went before its description was read, and counts as removed after.
     */
    public static List<String> clean(Libvirt libvirt, Path root, List<String> warnings) throws LibvirtException {
        List<String> removed = new ArrayList<>();
        for (String name : candidates(libvirt)) {
            cleanListed(libvirt, name, root, warnings).ifPresent(removed::add);
        }
        return removed;
    }

    /** The names of the domains that may be drill copies ({@code coffer-drill-…}), as listed now. */
    static List<String> candidates(Libvirt libvirt) throws LibvirtException {
        List<String> names = new ArrayList<>();
        for (DomainInfo domain : libvirt.domains()) {
            if (domain.name().startsWith(DrillCopy.PREFIX)) {
                names.add(domain.name());
            }
        }
        return names;
    }

    /**
     * Removes the listed domain {@code name} if it is an abandoned drill copy; its name when it was removed (by this
     * call, or by another cleaner after its description was read).
     */
    static Optional<String> cleanListed(Libvirt libvirt, String name, Path root, List<String> warnings)
            throws LibvirtException {
        Path drills = root.toAbsolutePath().normalize();
        String description;
        try {
            description = coffer.virt.domain.DomainDefinition.parse(libvirt.domainXml(name, true)).description();
        } catch (LibvirtException e) {
            if (DrillCopy.gone(e)) {
                return Optional.empty(); // another cleaner removed it since the listing
            }
            throw e;
        } catch (java.io.IOException unreadable) {
            return Optional.empty();
        }
        Optional<DrillCopy> copy = DrillCopy.parse(name, description);
        if (copy.isEmpty() || !copy.get().abandoned()) {
            return Optional.empty();
        }
        Path dir = copy.get().directory().toAbsolutePath().normalize();
        boolean ours = dir.startsWith(drills) && !dir.equals(drills);
        List<String> problems = copy.get().remove(libvirt, ours);
        if (!ours) {
            warnings.add("left directory " + dir + " of abandoned drill copy " + name + " alone: it is not"
                    + " beneath " + drills);
        }
        warnings.addAll(problems);
        return problems.isEmpty() ? Optional.of(name) : Optional.empty();
    }
}
