package coffer.vault;

import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is under {@code points/}, from one listing: the points (manifest read, oldest first), the points whose
 * manifest exists but cannot be read (damaged, or of a newer format), the lost points (objects left, but
 * neither a manifest nor an {@link UnfinishedMarker}: the manifest is gone), and the unfinished points (a
 * marker and no manifest: being written or deleted, or left by a killed process). One damaged manifest
 * damages one point: the others are listed as usual.
 *
 * <p>Immutable.
 */
public record PointListing(List<PointManifest> points, List<Unreadable> unreadable, List<Lost> lost,
                           List<String> unfinished) {

    /** A point whose manifest exists but does not read: {@code problem} says why. */
    public record Unreadable(String pointId, String object, String problem) {
    }

    /** A point whose manifest is gone while its other objects (indexes) remain. */
    public record Lost(String pointId, List<String> objects) {
    }

    public PointListing {
        points = List.copyOf(points);
        unreadable = List.copyOf(unreadable);
        lost = List.copyOf(lost);
        unfinished = List.copyOf(unfinished);
    }

    /** The order of points: oldest first, by creation time, then id. */
    static final Comparator<PointManifest> OLDEST_FIRST =
            Comparator.comparing(PointManifest::createdAt).thenComparing(PointManifest::id);

    /** True when every point's manifest reads and no point is lost. */
    public boolean whole() {
        return unreadable.isEmpty() && lost.isEmpty();
    }

    static PointListing scan(Vault vault) throws IOException {
        Map<String, List<String>> objectsById = new TreeMap<>();
        for (ObjectInfo info : vault.backend().list(Vault.POINTS)) {
            int slash = info.name().indexOf('/', Vault.POINTS.length());
            if (slash > 0) {
                String id = info.name().substring(Vault.POINTS.length(), slash);
                if (PointIds.isId(id)) {
                    objectsById.computeIfAbsent(id, k -> new ArrayList<>()).add(info.name());
                }
            }
        }
        List<PointManifest> points = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        List<Lost> lost = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : objectsById.entrySet()) {
            String id = entry.getKey();
            List<String> objects = entry.getValue();
            String manifest = Vault.manifestName(id);
            if (objects.contains(manifest)) {
                try {
                    points.add(vault.readManifestObject(manifest));
                } catch (ObjectNotFoundException deletedMeanwhile) {
                    // being deleted: the marker came first, so it is unfinished, not lost
                } catch (CorruptDataException | UnsupportedFormatException e) {
                    unreadable.add(new Unreadable(id, manifest, e.getMessage()));
                }
            } else if (objects.contains(UnfinishedMarker.objectName(id)) && !vault.markerUnreadable(id)) {
                unfinished.add(id);
            } else if (objects.contains(UnfinishedMarker.objectName(id))) {
                // a marker this vault's key does not open was not written by Coffer for this point (forged, moved
                // from another point, or damaged): the point is lost, kept by gc and reported, not swept as an
                // unfinished backup (docs/design/security.md)
                lost.add(new Lost(id, objects.stream().sorted().toList()));
            } else if (stillLost(vault, id, objects)) {
                lost.add(new Lost(id, objects.stream().sorted().toList()));
            }
        }
        points.sort(OLDEST_FIRST);
        return new PointListing(points, unreadable, lost, unfinished);
    }

    /**
     * A listing is not a snapshot: it may have missed a marker published (or seen a manifest removed) while it
     * ran. Looked at again one by one: lost only when neither manifest nor marker exists now and an object it
     * listed still does (a delete removes the marker last, after every other object).
     */
    private static boolean stillLost(Vault vault, String id, List<String> objects) throws IOException {
        if (vault.backend().exists(Vault.manifestName(id)) || vault.backend().exists(UnfinishedMarker.objectName(id))) {
            return false;
        }
        for (String object : objects) {
            if (vault.backend().exists(object)) {
                return true;
            }
        }
        return false;
    }
}
