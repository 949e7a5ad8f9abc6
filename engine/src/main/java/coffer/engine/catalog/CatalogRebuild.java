package coffer.engine.catalog;

import coffer.engine.error.Errors;
import coffer.engine.group.GroupPoint;
import coffer.engine.group.GroupPoints;
import coffer.engine.instance.PointFacts;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recreates a vault's point rows from its manifests (the vault is the source of truth; the catalog an
 * index of it). The vault's old rows are replaced. An instance point whose instance the catalog does not know
 * gets an instance row from the manifest (name, disks, host by the recorded libvirt URI), marked gone until
 * a refresh of its host finds the domain again. Image points (no instance UUID) are skipped and counted. A
 * point a plan made records its plan, policy and immutability in its manifest: its row is marked as the
 * policy's again (immutable when it was), not as a manual point. Group points (their facts are on every
 * member's manifest) the catalog lacks are recorded again under the catalog's group of the same name.
 *
 * <p>What it could not restore is reported, not dropped silently: points whose manifest does not read (their old
 * rows are kept: the point still exists, damaged), lost points (objects left, manifest gone), and points the
 * catalog listed in this vault of which the vault holds nothing (their rows go: they cannot be restored).
 *
 * <p>Stateless apart from its collaborators; not meant to run twice at once for one vault.
 */
public final class CatalogRebuild {
    /**
     * What a rebuild did: instance points written, instances added (gone), image points skipped, group points
     * recorded again, and group points skipped (their group is no longer in the catalog); and what it could not
     * restore: the ids of points whose manifest does not read ({@code unreadable}, rows kept), of lost points
     * ({@code lost}: manifest gone, indexes left) and of catalog points the vault holds nothing of ({@code missing}).
     */
    public record Counts(int points, int instancesAdded, int skipped, int groupPoints, int groupPointsSkipped,
                         List<String> unreadable, List<String> lost, List<String> missing, List<String> reappeared) {
        public Counts {
            reappeared = reappeared == null ? List.of() : List.copyOf(reappeared);
        }

        /** Counts without reappeared points. */
        public Counts(int points, int instancesAdded, int skipped, int groupPoints, int groupPointsSkipped,
                      List<String> unreadable, List<String> lost, List<String> missing) {
            this(points, instancesAdded, skipped, groupPoints, groupPointsSkipped, unreadable, lost, missing, List.of());
        }

        /** True when it restored every point: none unreadable, lost, missing or reappeared after its deletion. */
        @JsonIgnore
        public boolean whole() {
            return unreadable.isEmpty() && lost.isEmpty() && missing.isEmpty() && reappeared.isEmpty();
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogRebuild.class);

    private final Catalog catalog;

    public CatalogRebuild(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Rebuilds the rows of vault {@code vaultName} of the region {@code local}. */
    public Counts rebuild(String vaultName, Vault vault) {
        return rebuild(PointRecord.LOCAL_REGION, vaultName, vault);
    }

    /**
     * Rebuilds the rows of vault {@code vaultName} of {@code region}: its points (replicas included: a replica is a
     * point of its own vault) are rows of that region.
     */
    public Counts rebuild(String region, String vaultName, Vault vault) {
        return rebuild(region, vaultName, vault, Set.of());
    }

    /**
     * As {@link #rebuild(String, String, Vault)}. A point the catalog deleted ({@link DeletedPoints}) that is in the
     * vault again was put back by someone with the storage (docs/design/security.md, "Rollback and replay"): it gets no
     * row and is reported as {@code reappeared}, unless its id is in {@code readopt} (an operator's decision, logged and
     * recorded in the catalog).
     */
    public Counts rebuild(String region, String vaultName, Vault vault, Set<String> readopt) {
        PointListing listing;
        try {
            listing = vault.listPoints();
        } catch (IOException e) {
            throw Errors.classify(e);
        }
        List<PointManifest> manifests = new ArrayList<>();
        List<String> reappeared = new ArrayList<>();
        for (PointManifest point : listing.points()) {
            DeletedPoints.Deleted deleted = catalog.deletedPoints().find(point.id()).filter(DeletedPoints.Deleted::refused)
                    .orElse(null);
            if (deleted != null && readopt.contains(point.id())) {
                catalog.deletedPoints().readopt(point.id(), java.time.Instant.now(), "re-adopted by a catalog rebuild of"
                        + " vault " + vaultName + " on an operator's request (--readopt)");
                LOG.warn("point {} of vault {}, deleted by the catalog at {} ({}), is in the vault again and is re-adopted"
                        + " on the operator's request", point.id(), vaultName, deleted.deletedAt(), deleted.how());
                manifests.add(point);
            } else if (deleted != null) {
                reappeared.add(point.id());
                LOG.warn("{}: point {} of vault {} was deleted by the catalog at {} ({}) and is in the vault again: put"
                        + " back by someone with the storage? Not adopted; re-adopt it only on purpose ('coffer catalog"
                        + " rebuild --readopt {}')", coffer.engine.error.ErrorCode.DataCorrupt, point.id(), vaultName,
                        deleted.deletedAt(), deleted.how(), point.id());
            } else {
                manifests.add(point);
            }
        }
        Set<String> unreadable = new TreeSet<>();
        listing.unreadable().forEach(u -> unreadable.add(u.pointId()));
        Set<String> inVault = new HashSet<>(unreadable);
        manifests.forEach(m -> inVault.add(m.id()));
        listing.unfinished().forEach(inVault::add);
        List<String> lost = listing.lost().stream().map(PointListing.Lost::pointId).toList();
        Map<String, PointManifest> newestByInstance = new LinkedHashMap<>();
        int skipped = 0;
        for (PointManifest point : manifests) {
            String uuid = PointFacts.of(point).uuid();
            if (uuid == null) {
                skipped++;
            } else {
                newestByInstance.put(uuid, point);
            }
        }
        int added = 0;
        for (Map.Entry<String, PointManifest> entry : newestByInstance.entrySet()) {
            if (catalog.instances().find(entry.getKey()).isEmpty()) {
                addGoneInstance(entry.getKey(), entry.getValue());
                added++;
            }
        }
        List<String> missing = new ArrayList<>();
        for (PointRecord row : catalog.points().listAll()) {
            if (row.vault().equals(vaultName) && region.equals(row.region()) && !unreadable.contains(row.id())) {
                catalog.points().delete(row.id());
                if (!inVault.contains(row.id()) && !lost.contains(row.id())) {
                    missing.add(row.id());
                }
            }
        }
        int points = 0;
        for (PointManifest point : manifests) {
            if (restorePoint(region, vaultName, point, null)) {
                points++;
            }
        }
        int[] groups = rebuildGroupPoints(vaultName, vault);
        missing.sort(null);
        return new Counts(points, added, skipped, groups[0], groups[1], List.copyOf(unreadable), lost, missing, reappeared);
    }

    /**
     * Writes the row of one instance point from its manifest, as a rebuild does for each: the instance added (gone)
     * from this manifest when the catalog does not know it, then the row ({@link PointRecord#of}) with {@code jobId}
     * (null: unknown), marked as its plan's (immutable when its policy was) in the same transaction when a plan made
     * it. Also what adopts the point a killed backup committed in the vault before its row was written
     * ({@code coffer.engine.plan.LostPoints}, docs/design/catalog.md "Adopting the point of a lost job"). Returns
     * false (nothing written) for an image point (no instance).
     */
    public boolean restorePoint(String region, String vaultName, PointManifest point, String jobId) {
        return write(region, vaultName, point, jobId, false);
    }

    /**
     * Writes the row of one instance point from its manifest as {@link #restorePoint} does, but only when the catalog
     * has no row of that id: true when this call wrote it. The adoption of a lost job's point
     * ({@code coffer.engine.plan.LostPoints}): of two servers adopting it at once, the one whose insert wrote the row
     * runs the steps after the backup (its replication queued once).
     */
    public boolean adoptPoint(String region, String vaultName, PointManifest point, String jobId) {
        return write(region, vaultName, point, jobId, true);
    }

    private boolean write(String region, String vaultName, PointManifest point, String jobId, boolean onlyNew) {
        PointFacts facts = PointFacts.of(point);
        if (facts.uuid() == null) {
            return false;
        }
        DeletedPoints.Deleted deleted = catalog.deletedPoints().find(point.id()).filter(DeletedPoints.Deleted::refused)
                .orElse(null);
        if (deleted != null) {
            LOG.warn("{}: point {} of vault {} was deleted by the catalog at {} ({}) and is in the vault again: not"
                    + " adopted (docs/design/security.md, \"Rollback and replay\")", coffer.engine.error.ErrorCode.DataCorrupt,
                    point.id(), vaultName, deleted.deletedAt(), deleted.how());
            return false;
        }
        if (catalog.instances().find(facts.uuid()).isEmpty()) {
            addGoneInstance(facts.uuid(), point);
        }
        PointRecord row = PointRecord.of(point, vaultName, facts.uuid(), jobId).inRegion(region);
        PointFacts.Plan plan = facts.plan();
        if (onlyNew) {
            return plan == null ? catalog.points().insertIfAbsent(row, null, null, false)
                    : catalog.points().insertIfAbsent(row, plan.id(), plan.policy(), plan.immutable());
        }
        if (plan != null) {
            catalog.points().upsertOfPlan(row, plan.id(), plan.policy(), plan.immutable());
        } else {
            catalog.points().upsert(row);
        }
        return true;
    }

    /**
     * Records the vault's group points (from their member manifests) that the catalog lacks, under the catalog's
     * group of the recorded name; rows the catalog still has are kept (they know the job). Returns {recorded,
     * skipped: no group of that name}.
     */
    private int[] rebuildGroupPoints(String vaultName, Vault vault) {
        List<GroupPoint> found;
        try {
            found = new GroupPoints(vault).list(null);
        } catch (IOException e) {
            throw Errors.classify(e);
        }
        int recorded = 0;
        int skipped = 0;
        for (GroupPoint point : found) {
            if (catalog.groups().findPoint(point.id()).isPresent()) {
                continue;
            }
            Optional<InstanceGroup> group = catalog.groups().resolve(point.name());
            if (group.isEmpty()) {
                skipped++;
                continue;
            }
            PointFacts.Group facts = PointFacts.of(point.members().getFirst()).group();
            catalog.groups().recordPoint(new GroupPointRecord(point.id(), group.get().id(), point.name(), vaultName,
                    point.instant(), facts.mode(), point.pauseMillis(), point.freezeMillis(), null,
                    point.members().stream().map(m -> PointFacts.of(m).uuid()).toList(),
                    point.members().stream().map(PointManifest::id).toList()));
            recorded++;
        }
        return new int[] {recorded, skipped};
    }

    private void addGoneInstance(String uuid, PointManifest newest) {
        PointFacts facts = PointFacts.of(newest);
        String uri = facts.instance().uri() == null ? "unknown" : facts.instance().uri();
        Optional<Host> known = catalog.hosts().list().stream().filter(h -> h.uri().equals(uri)).findFirst();
        String hostId = known.map(Host::id).orElseGet(() -> catalog.hosts().ensure(uri, uri).id());
        List<InstanceDisk> disks = newest.disks().stream().map(d -> new InstanceDisk(d.name(), "disk",
                facts.disk(d.name()) == null ? null : facts.disk(d.name()).format(), null, d.size(), -1, null)).toList();
        Instance instance = new Instance(uuid, hostId, newest.name(), "unknown", disks, newest.createdAt(), true);
        catalog.sql().transaction(s -> {
            SqlInstances.write(s, hostId, instance);
            return null;
        });
    }
}
