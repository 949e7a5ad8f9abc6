package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.virt.image.ImageFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a new instance restored from a point looks like where it differs from the stored definition: a restore as a new
 * instance, and a disaster recovery in another region, whose hosts have other networks, directories and sizes
 * (docs/design/replication.md). Null fields keep the stored definition's: {@code vcpus}, {@code memoryMiB}, the disk
 * {@code directory} (default: beside the original disk files) and {@code format} (default: each disk's own).
 * The new instance always gets a new UUID and new MAC addresses. Checked when made; immutable.
 *
 * @param networks the interfaces: kept, their networks and bridges renamed, or removed
 * @param filter   the libvirt network filter (the "security group") every interface gets, replacing its own; null:
 *                 as stored
 */
public record NewInstance(String name, Integer vcpus, Long memoryMiB, Networks networks, Path directory,
                          ImageFormat format, String filter) {
    /** A network filter's name as libvirt takes it. */
    public static final java.util.regex.Pattern FILTER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** What happens to the stored definition's network interfaces. */
    public sealed interface Networks {
        /** Kept as they are (the same networks must exist on the host). */
        record Keep() implements Networks {
        }

        /** Each network or bridge named in {@code sources} (old name → new name) renamed; the others kept. */
        record Mapped(Map<String, String> sources) implements Networks {
            public Mapped {
                sources = Map.copyOf(sources);
            }
        }

        /** Removed: an instance with no network (an isolated check of the data). */
        record None() implements Networks {
        }
    }

    public NewInstance {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(c -> c < 0x20 || c == '/')) {
            problems.add("name: '" + name + "' is not a domain name (1 to 200 characters, no '/' or control characters)");
        }
        if (vcpus != null && (vcpus < 1 || vcpus > 4096)) {
            problems.add("vcpus: must be between 1 and 4096, got " + vcpus);
        }
        if (memoryMiB != null && (memoryMiB < 16 || memoryMiB > 16L << 20)) {
            problems.add("memoryMiB: must be between 16 and 16777216 (16 TiB), got " + memoryMiB);
        }
        if (networks == null) {
            networks = new Networks.Keep();
        }
        if (filter != null && !FILTER_NAME.matcher(filter).matches()) {
            problems.add("filter: '" + filter + "' is not a network filter name (1 to 64 letters, digits, '_', '.', ':' or '-')");
        }
        if (filter != null && networks instanceof Networks.None) {
            problems.add("filter: an instance without network interfaces has nothing to filter");
        }
        if (networks instanceof Networks.Mapped(Map<String, String> sources)) {
            sources.forEach((from, to) -> {
                if (to == null || to.isBlank()) {
                    problems.add("networks: '" + from + "' is mapped to no network");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, String.join("; ", problems));
        }
    }

    /** A new instance {@code name} as the point recorded it (new UUID and MACs, disks beside the originals). */
    public static NewInstance named(String name) {
        return new NewInstance(name, null, null, new Networks.Keep(), null, null, null);
    }

    public NewInstance withDirectory(Path directory) {
        return new NewInstance(name, vcpus, memoryMiB, networks, directory, format, filter);
    }

    public NewInstance withSize(Integer vcpus, Long memoryMiB) {
        return new NewInstance(name, vcpus, memoryMiB, networks, directory, format, filter);
    }

    public NewInstance withNetworks(Networks networks) {
        return new NewInstance(name, vcpus, memoryMiB, networks, directory, format, filter);
    }

    public NewInstance withFormat(ImageFormat format) {
        return new NewInstance(name, vcpus, memoryMiB, networks, directory, format, filter);
    }
}
