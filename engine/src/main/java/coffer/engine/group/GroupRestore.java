package coffer.engine.group;

import coffer.engine.instance.PointFacts;
import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.instance.InstanceRestore;
import coffer.vault.PointManifest;
import coffer.virt.libvirt.DomainInfo;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restores every member of a group point: as new instances named {@code <member><suffix>}, or in place when
 * every member is shut off. Everything that can be checked is checked for all members before the first
 * byte is written (the group point is complete, no new name is taken, no original is running).
 *
 * <p>Stateless apart from its collaborators; thread-safe as they are.
 */
public final class GroupRestore {
    private final Libvirt libvirt;
    private final GroupPoints points;
    private final InstanceRestore restore;

    public GroupRestore(Libvirt libvirt, GroupPoints points, InstanceRestore restore) {
        this.libvirt = libvirt;
        this.points = points;
        this.restore = restore;
    }

    public record Result(GroupPoint point, List<InstanceRestore.InstanceResult> instances) {
    }

    /** Every member as a new instance {@code <name><suffix>}; started after all are defined when {@code start}. */
    public Result asNewInstances(String groupRef, String suffix, Path directory, boolean start, JobProgress listener) {
        try {
            checkSuffix(suffix);
            GroupPoint group = complete(points.resolve(groupRef));
            for (PointManifest member : group.members()) {
                if (libvirt.domain(member.name() + suffix).isPresent()) {
                    throw new CofferException(ErrorCode.NameTaken, "a domain named '" + member.name() + suffix
                            + "' already exists; choose another --suffix");
                }
            }
            List<InstanceRestore.InstanceResult> restored = new ArrayList<>();
            for (PointManifest member : group.members()) {
                restored.add(restore.asNewInstance(member.id(), member.name() + suffix, directory, false, listener));
            }
            if (start) {
                List<InstanceRestore.InstanceResult> started = new ArrayList<>();
                for (InstanceRestore.InstanceResult instance : restored) {
                    libvirt.start(instance.name());
                    started.add(new InstanceRestore.InstanceResult(instance.point(), instance.name(), instance.disks(), true));
                }
                restored = started;
            }
            return new Result(group, restored);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /** Every member's disks written over its shut-off original; refused unless every member is shut off. */
    public Result inPlace(String groupRef, JobProgress listener) {
        return inPlace(groupRef, false, listener);
    }

    /**
     * As {@link #inPlace(String, JobProgress)}; {@code full} writes every byte of every disk even where a quick
     * rollback could be made (docs/design/change-tracking.md, "Quick rollback").
     */
    public Result inPlace(String groupRef, boolean full, JobProgress listener) {
        try {
            GroupPoint group = complete(points.resolve(groupRef));
            List<String> running = new ArrayList<>();
            for (PointManifest member : group.members()) {
                Optional<DomainInfo> domain = libvirt.domain(PointFacts.of(member).uuid());
                if (domain.isPresent() && domain.get().state().active()) {
                    running.add(domain.get().name());
                }
            }
            if (!running.isEmpty()) {
                throw new CofferException(ErrorCode.InstanceRunning, "members " + running + " of group point "
                        + group.id() + " are running; an in-place group restore needs every member shut off");
            }
            List<InstanceRestore.InstanceResult> restored = new ArrayList<>();
            for (PointManifest member : group.members()) {
                restored.add(restore.inPlace(member.id(), full, listener));
            }
            return new Result(group, restored);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /** Refuses a suffix that cannot make new domain and file names (empty, or with '/'). */
    public static void checkSuffix(String suffix) {
        if (suffix == null || suffix.isEmpty() || suffix.contains("/")) {
            throw new CofferException(ErrorCode.InvalidArgument, "bad suffix '" + suffix
                    + "' for the new instances' names: give a non-empty suffix without '/'");
        }
    }

    private static GroupPoint complete(GroupPoint group) {
        if (!group.complete()) {
            throw new CofferException(ErrorCode.PointNotFound, "group point " + group.id() + " lacks the points of "
                    + group.missing() + "; restore the remaining members one by one with 'coffer restore'");
        }
        return group;
    }
}
