package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;
import coffer.engine.live.GuestPath;
import coffer.engine.live.NameGlob;

/**
 * Find files by name across an instance's points (docs/design/live-access.md, "Searching a file across points"): the
 * newest {@code points} points (default {@link #DEFAULT_POINTS}), their disk {@code disk} (default: every disk), file
 * system {@code filesystem} (a device as {@code coffer files fs} shows it for one disk; default: every mountable one),
 * under directory {@code path} (default {@code /}), file names matching the glob {@code name}. Through a server a job
 * (its progress the points searched), offline it runs in the command's process. With {@code escaped} the path is in
 * the escaped form listings print ({@link GuestPath#parseEscaped}).
 */
public record SearchFiles(String instance, String name, String path, String disk, String filesystem, Integer points,
                          Boolean escaped) implements JobOperation<FileSearchResult> {
    public static final int DEFAULT_POINTS = 10;
    public static final int MAX_POINTS = 100;

    public SearchFiles {
        Problems problems = new Problems();
        Rules.required(problems, "instance", instance, "the instance");
        if (name == null || name.isBlank()) {
            problems.add("name", "a file name pattern (a glob such as 'hosts' or '*.conf')");
        } else {
            try {
                NameGlob.parse(name);
            } catch (coffer.engine.error.CofferException e) {
                problems.add("name", e.getMessage());
            }
        }
        Rules.guestPath(problems, "path", path);
        Rules.escapedGuestPath(problems, "path", path, escaped);
        if (path != null && (path.contains("/../") || path.endsWith("/.."))) {
            problems.add("path", "'..' is not allowed in a path");
        }
        if (disk != null) {
            Rules.targets(problems, "disk", java.util.List.of(disk));
        }
        Rules.device(problems, "filesystem", filesystem);
        if (points != null && (points < 1 || points > MAX_POINTS)) {
            problems.add("points", "1 to " + MAX_POINTS + " points, got " + points);
        }
        problems.throwIfAny("file search request");
    }

    /** A directory given as text. */
    public SearchFiles(String instance, String name, String path, String disk, String filesystem, Integer points) {
        this(instance, name, path, disk, filesystem, points, null);
    }

    /** The directory searched ({@code /} by default), its bytes as given or unescaped. */
    public GuestPath guestPath() {
        return GuestPath.parse(pathOrRoot(), Rules.flag(escaped));
    }

    public int pointsOrDefault() {
        return points == null ? DEFAULT_POINTS : points;
    }

    public String pathOrRoot() {
        return path == null ? "/" : path;
    }

    public SearchFiles resolved(String instanceId) {
        return new SearchFiles(instanceId, name, path, disk, filesystem, points, escaped);
    }

    @Override
    public JobType type() {
        return JobType.file_search;
    }

    @Override
    public String target() {
        return instance;
    }
}
