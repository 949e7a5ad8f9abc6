package coffer.engine.group;

import coffer.engine.instance.PointFacts;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.PointManifest;
import coffer.vault.Vault;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group points of a vault, read from its member points' attributes (the vault is the source; no
 * catalog needed).
 *
 * <p>Stateless apart from the vault; thread-safe as the vault is.
 */
public final class GroupPoints {
    private static final int MIN_PREFIX = 4;
    private final Vault vault;

    public GroupPoints(Vault vault) {
        this.vault = vault;
    }

    /** Every group point, oldest first; {@code name} null for all groups. */
    public List<GroupPoint> list(String name) throws IOException {
        Map<String, List<PointManifest>> byId = new LinkedHashMap<>();
        for (PointManifest point : vault.points()) {
            PointFacts.Group group = PointFacts.of(point).group();
            String id = group == null ? null : group.id();
            if (id != null && (name == null || name.equals(group.name()))) {
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(point);
            }
        }
        List<GroupPoint> groups = new ArrayList<>();
        for (List<PointManifest> members : byId.values()) {
            groups.add(of(members));
        }
        groups.sort(Comparator.comparing(GroupPoint::instant));
        return groups;
    }

    /** The group point whose id is {@code reference} or starts with it (at least 4 characters, unique). */
    public GroupPoint resolve(String reference) throws IOException {
        if (reference == null || reference.length() < MIN_PREFIX) {
            throw new CofferException(ErrorCode.InvalidArgument, "group point reference '" + reference
                    + "' is too short: give at least " + MIN_PREFIX + " characters of its id");
        }
        List<GroupPoint> matches = list(null).stream().filter(g -> g.id().startsWith(reference)).toList();
        if (matches.isEmpty()) {
            throw new CofferException(ErrorCode.PointNotFound, "no group point '" + reference + "' in the vault");
        }
        if (matches.size() > 1) {
            throw new CofferException(ErrorCode.InvalidArgument, "group point reference '" + reference
                    + "' matches " + matches.size() + " group points: " + matches.stream().map(GroupPoint::id).toList());
        }
        return matches.getFirst();
    }

    private static GroupPoint of(List<PointManifest> points) {
        PointFacts.Group first = PointFacts.of(points.getFirst()).group();
        List<String> instances = first.members();
        List<PointManifest> ordered = new ArrayList<>(points);
        ordered.sort(Comparator.comparingInt(p -> instances.indexOf(p.name())));
        return new GroupPoint(first.id(), first.name(), first.instant(), instances, ordered, first.pauseMillis(),
                first.freezeMillis());
    }
}
