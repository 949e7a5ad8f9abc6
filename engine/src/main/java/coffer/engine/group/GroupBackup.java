package coffer.engine.group;

import coffer.engine.instance.PointFacts;
import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.StagedBackup;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Backs up a consistency group: one point per member instance, all at one instant
 * (docs/design/consistency-groups.md).
 *
 * <ol>
 *   <li>every member prepared (leftovers, plans, point writer) — a member that cannot be backed up fails
 *       the group before any guest is touched;</li>
 *   <li>application mode: every guest's prescript at once, then every guest frozen at once; a member
 *       whose agent, scripts or freeze fail falls back with its reason exactly as a single backup;</li>
 *   <li>every running member paused, every {@code backup-begin}, every member resumed — all at once and
 *       under a watchdog; then every guest thawed at once and every postscript run;</li>
 *   <li>the disks read (after the resume and thaw, so the window does not grow with disk size), then
 *       every point committed.</li>
 * </ol>
 *
 * <p>All or nothing: a member that fails fails the group; the other members' uncommitted points are
 * removed (points already committed are deleted again) and their new checkpoints removed, so every
 * member's next backup continues from its previous point. Domains are resumed and guests thawed on every
 * path (failure of one member, cancel = thread interrupt, exceptions).
 *
 * <p>Not thread-safe: one run at a time per group; its steps use one virtual thread per member.
 */
public final class GroupBackup {
    /** The pause watchdog's default bound: members are resumed this long after the first suspend. */
    public static final Duration DEFAULT_MAX_PAUSED = Duration.ofSeconds(30);

    private final Libvirt libvirt;
    private final InstanceBackup backup;

    public GroupBackup(Libvirt libvirt, InstanceBackup backup) {
        this.libvirt = libvirt;
        this.backup = backup;
    }

    /**
     * @param name       the group's name, recorded on every member point
     * @param instances  the members (domain names or UUIDs on this host), at least one, each once
     * @param maxPaused  the pause watchdog's bound
     * @param facts      more facts for every member point (e.g. an expiry)
     */
    public record Request(String name, List<String> instances, AppConsistency consistency, int threads,
                          Duration maxPaused, PointFacts facts) {
        public Request {
            Objects.requireNonNull(consistency, "consistency");
            Objects.requireNonNull(maxPaused, "maxPaused");
            instances = List.copyOf(instances);
            facts = facts == null ? PointFacts.NONE : facts;
        }

        public Request(String name, List<String> instances, AppConsistency consistency) {
            this(name, instances, consistency, 0, DEFAULT_MAX_PAUSED, PointFacts.NONE);
        }
    }

    /**
     * The group point: its id, each member's point, how long the members were paused and (application
     * mode) frozen across the group.
     */
    public record Result(String id, String name, List<InstanceBackup.Result> members, Duration pauseWindow,
                         Duration freezeWindow, List<String> warnings) {
    }

    public Result run(Request request, JobProgress listener) {
        validate(request);
        List<StagedBackup> members = new ArrayList<>();
        try {
            for (String instance : request.instances()) {
                members.add(backup.prepare(new InstanceBackup.Request(instance, Set.of(), request.threads(),
                        request.facts(), request.consistency())));
            }
            listener.starting(members.stream().mapToLong(StagedBackup::totalBytes).sum());
            Concurrently.checkCancelled("before the group's instant");
            Instant instant = Instant.now();
            Windows windows = takeInstant(members, request);
            Concurrently.checkCancelled("after the group's instant");
            for (StagedBackup member : members) {
                member.read(listener);
            }
            PointFacts.Group group = new PointFacts.Group(UUID.randomUUID().toString(), request.name(), request.instances(),
                    request.consistency().enabled() ? "application" : "crash", instant, windows.pause().toMillis(),
                    windows.freeze() == null ? null : windows.freeze().toMillis());
            commitAll(members, PointFacts.ofGroup(group));
            members.forEach(StagedBackup::pruneCheckpoints);
            List<InstanceBackup.Result> results = members.stream().map(StagedBackup::result).toList();
            return new Result(group.id(), request.name(), results, windows.pause(),
                    windows.freeze(), windows.warnings());
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        } finally {
            closeAll(members);
        }
    }

    private record Windows(Duration pause, Duration freeze, List<String> warnings) {
    }

    /**
     * Prescripts, freeze, pause, every begin, resume, thaw, postscripts. The resume and the thaw run in
     * {@code finally} blocks; a member's failure is thrown once every guest is running and thawed again.
     */
    private Windows takeInstant(List<StagedBackup> members, Request request) throws IOException {
        List<StagedBackup> running = members.stream().filter(StagedBackup::running).toList();
        List<String> warnings = new ArrayList<>();
        boolean application = request.consistency().enabled();
        Duration pauseWindow = Duration.ZERO;
        long freezeSent = 0;
        long thawed;
        try {
            Concurrently.forEach(running, StagedBackup::prepareGuest);
            Concurrently.checkCancelled("after the prescripts");
            freezeSent = System.nanoTime();
            try {
                Concurrently.forEach(running, StagedBackup::freezeGuest);
                try (GroupPause pause = GroupPause.pause(libvirt, running.stream().map(StagedBackup::instance).toList(),
                        request.maxPaused())) {
                    try {
                        Concurrently.forEach(running, StagedBackup::begin);
                    } finally {
                        pause.close();
                        pauseWindow = pause.window();
                        warnings.addAll(pause.warnings());
                    }
                    if (pause.watchdogFired()) {
                        throw new CofferException(ErrorCode.HypervisorFailure, "the group's domains "
                                + pause.suspended() + " were paused longer than " + request.maxPaused().toMillis()
                                + " ms and the watchdog resumed them, so their instants differ; no point was kept");
                    }
                }
            } finally {
                Concurrently.forEach(running, member -> member.thawGuest());
                thawed = System.nanoTime();
            }
        } finally {
            Concurrently.forEach(running, member -> member.finishGuest());
        }
        Duration freezeWindow = application && running.stream().anyMatch(m -> m.freezeWindow() != null)
                ? Duration.ofNanos(thawed - freezeSent) : null;
        return new Windows(pauseWindow, freezeWindow, warnings);
    }

    /** Commits every member; when one fails, the members already committed are taken back. */
    private static void commitAll(List<StagedBackup> members, PointFacts group) throws IOException {
        List<StagedBackup> committed = new ArrayList<>();
        try {
            for (StagedBackup member : members) {
                member.commit(group);
                committed.add(member);
            }
        } catch (IOException | RuntimeException e) {
            for (StagedBackup member : committed) {
                try {
                    member.rollback();
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    private static void closeAll(List<StagedBackup> members) {
        for (StagedBackup member : members) {
            try {
                member.close();
            } catch (IOException | RuntimeException e) {
                // cleanup is best effort; the next backup of the member cleans what is left
            }
        }
    }

    private static void validate(Request request) {
        if (request.name() == null || request.name().isBlank()) {
            throw new CofferException(ErrorCode.InvalidArgument, "a consistency group needs a name");
        }
        if (request.instances().isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "consistency group '" + request.name()
                    + "' has no instances");
        }
        Set<String> seen = new HashSet<>();
        for (String instance : request.instances()) {
            if (instance.isBlank() || instance.contains(",")) {
                throw new CofferException(ErrorCode.InvalidArgument, "bad instance name '" + instance
                        + "' in consistency group '" + request.name() + "'");
            }
            if (!seen.add(instance)) {
                throw new CofferException(ErrorCode.InvalidArgument, "instance '" + instance
                        + "' is named twice in consistency group '" + request.name() + "'");
            }
        }
    }
}
