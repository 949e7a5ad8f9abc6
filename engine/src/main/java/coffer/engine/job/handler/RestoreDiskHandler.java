package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.Libvirt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.nio.file.Path;
import java.util.Set;

/**
 * Restores one disk of a point (target: the point id). Parameters: {@code {"disk": target, "to": path|null,
 * "format": "qcow2"|"raw"|null, "inPlace": bool}}: exactly one of {@code to} (a new file, never replacing
 * one) and {@code inPlace} (over the instance's disk; the instance must be shut off). Result:
 * {@code {"point", "disk", "file"}}. Stateless; thread-safe.
 */
final class RestoreDiskHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("disk", "to", "format", "inPlace");

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;

    RestoreDiskHandler(Catalog catalog, VaultDirectory vaults, RestoreDirectories directories) {
        this.directories = directories;
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
    }

    @Override
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String disk = params.string("disk");
        String to = params.optionalString("to");
        String format = params.optionalChoice("format", Set.of("qcow2", "raw"));
        boolean inPlace = params.flag("inPlace");
        params.refuseIf(inPlace == (to != null), "to",
                "give a path to restore to a new file, or set 'inPlace' to write over the instance's disk (not both)");
        params.refuseIf(inPlace && format != null, "format",
                "an in-place restore keeps the disk's own format");
        PointRecord point = knownPoint(catalog, job.target());
        Path file = to == null ? null : Path.of(to);
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("restoring disk " + disk + " of point " + point.id() + (inPlace ? " in place" : " to " + to));
            InstanceRestore.DiskResult result = new InstanceRestore(libvirt, vaults.open(point.vault()), 0, directories).disk(
                    point.id(), disk, file, format == null ? null : ImageFormat.valueOf(format.toUpperCase()), false,
                    context.progress());
            return JsonNodeFactory.instance.objectNode().put("point", point.id()).put("disk", disk)
                    .put("file", result.file().toString());
        }
    }

    static PointRecord knownPoint(Catalog catalog, String id) {
        return catalog.points().find(id).orElseThrow(() -> new CofferException(ErrorCode.PointNotFound,
                "no point " + id + " in the catalog"));
    }
}
