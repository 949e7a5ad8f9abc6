package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.instance.NewInstance;
import coffer.engine.job.JobType;
import coffer.virt.image.ImageFormat;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Restore an instance from a point: as the new instance {@code name} (started when {@code start}), or in
 * place over the shut-off original ({@code inPlace}). Exactly one of the two. A new instance may differ from the
 * stored definition ({@link NewInstance}): vCPUs, memory, networks renamed or removed, disk format and directory; it
 * always has a new UUID and new MAC addresses. With {@code region} it is a disaster recovery: the point's replica in
 * that region is restored on a host of that region (docs/design/replication.md, "Disaster recovery").
 *
 * @param point     the point: id, unique id prefix, or instance name (its newest point)
 * @param dir       directory for the new disk files (default: beside the originals); through a server it must be
 *                  beneath one of its restore directories
 * @param region    through a server: restore in this region, from the point's replica there (the point itself when
 *                  it is in that region); null: the point's own region
 * @param vcpus     the new instance's vCPUs (1 to 4096); null: as stored
 * @param memoryMiB the new instance's memory in MiB (16 to 16 TiB); null: as stored
 * @param networks  the interfaces' networks and bridges renamed, old name to new name; null: kept
 * @param noNetwork remove every network interface (an isolated instance); not with {@code networks}
 * @param format    the new disk files' format, {@code raw} or {@code qcow2}; null: each disk's own
 * @param filter    the libvirt network filter (the "security group") of every interface of the new instance; null: as
 *                  stored
 * @param full      in place: write every byte of every disk, not a quick rollback of what changed
 *                  (docs/design/change-tracking.md, "Quick rollback"); only with inPlace
 */
public record RestoreInstance(String point, String name, boolean start, boolean inPlace, String dir, String region,
                              Integer vcpus, Long memoryMiB, Map<String, String> networks, boolean noNetwork,
                              String format, String filter, boolean full)
        implements JobOperation<RestoreInstanceResult> {
    /** Without {@code full}: an in-place restore is a quick rollback where it can be. */
    public RestoreInstance(String point, String name, boolean start, boolean inPlace, String dir, String region,
                           Integer vcpus, Long memoryMiB, Map<String, String> networks, boolean noNetwork,
                           String format, String filter) {
        this(point, name, start, inPlace, dir, region, vcpus, memoryMiB, networks, noNetwork, format, filter, false);
    }

    public RestoreInstance {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        if (inPlace == (name != null)) {
            problems.add("name", "give exactly one of 'name' (a new instance) and 'inPlace': true");
        }
        Rules.name(problems, "name", name, "");
        Rules.name(problems, "region", region, "a region: ");
        if (inPlace && start) {
            problems.add("start", "an in-place restore leaves the instance shut off; start it yourself");
        }
        if (inPlace && (dir != null || region != null || vcpus != null || memoryMiB != null || networks != null
                || noNetwork || format != null || filter != null)) {
            problems.add("inPlace", "an in-place restore writes over the instance's own disks on its own host, as it"
                    + " was defined: 'dir', 'region', 'vcpus', 'memoryMiB', 'networks', 'noNetwork', 'format' and"
                    + " 'filter' are for a new instance");
        }
        if (full && !inPlace) {
            problems.add("full", "only an in-place restore can write less than the whole disks; a new instance's disks"
                    + " are always written in full");
        }
        if (filter != null && !NewInstance.FILTER_NAME.matcher(filter).matches()) {
            problems.add("filter", "a network filter name: 1 to 64 letters, digits, '_', '.', ':' or '-', got '" + filter + "'");
        }
        if (filter != null && noNetwork) {
            problems.add("filter", "an instance without network interfaces has nothing to filter");
        }
        if (vcpus != null && (vcpus < 1 || vcpus > 4096)) {
            problems.add("vcpus", "must be between 1 and 4096, got " + vcpus);
        }
        if (memoryMiB != null && (memoryMiB < 16 || memoryMiB > 16L << 20)) {
            problems.add("memoryMiB", "must be between 16 and 16777216 (16 TiB), got " + memoryMiB);
        }
        if (networks != null) {
            networks.forEach((from, to) -> {
                if (from == null || from.isBlank() || to == null || to.isBlank()) {
                    problems.add("networks", "'" + from + "' -> '" + to + "': both the old and the new network are named");
                }
            });
            networks = Map.copyOf(networks);
            if (noNetwork) {
                problems.add("noNetwork", "give one of 'networks' (renamed) and 'noNetwork' (removed)");
            }
        }
        if (format != null && !format.equals("raw") && !format.equals("qcow2")) {
            problems.add("format", "raw or qcow2, got '" + format + "'");
        }
        if (dir != null && (dir.indexOf('\0') >= 0 || !Path.of(dir).isAbsolute())) {
            problems.add("dir", "an absolute directory, got '" + dir + "'");
        }
        problems.throwIfAny("restore-instance request");
    }

    /** A restore as the new instance {@code name}, shaped as stored. */
    public static RestoreInstance asNew(String point, String name, boolean start) {
        return new RestoreInstance(point, name, start, false, null, null, null, null, null, false, null, null);
    }

    /** An in-place restore over the shut-off original. */
    public static RestoreInstance inPlaceOf(String point) {
        return new RestoreInstance(point, null, false, true, null, null, null, null, null, false, null, null);
    }

    public RestoreInstance resolved(String pointId) {
        return new RestoreInstance(pointId, name, start, inPlace, dir, region, vcpus, memoryMiB, networks, noNetwork, format,
                filter, full);
    }

    /** The new instance this record asks for (not for an in-place restore). */
    public NewInstance newInstance() {
        NewInstance.Networks nets = noNetwork ? new NewInstance.Networks.None()
                : networks != null ? new NewInstance.Networks.Mapped(networks) : new NewInstance.Networks.Keep();
        return new NewInstance(name, vcpus, memoryMiB, nets, dir == null ? null : Path.of(dir),
                format == null ? null : ImageFormat.valueOf(format.toUpperCase(Locale.ROOT)), filter);
    }

    @Override
    public JobType type() {
        return JobType.restore_instance;
    }

    @Override
    public String target() {
        return point;
    }
}
