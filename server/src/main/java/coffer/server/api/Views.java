package coffer.server.api;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.Protection;
import coffer.engine.job.Job;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API's resources (documented in the OpenAPI document). */
final class Views {
    private Views() {
    }

    static Map<String, Object> instance(Instance i, Protection protection) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("host", i.hostId());
        m.put("name", i.name());
        m.put("state", i.gone() ? "gone" : i.state());
        m.put("protected", protection != null);
        if (protection != null) {
            m.put("protection", protection(protection, i));
        }
        m.put("disks", i.disks().stream().map(Views::disk).toList());
        m.put("refreshedAt", i.refreshedAt());
        return m;
    }

    static Map<String, Object> disk(InstanceDisk d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", d.target());
        m.put("device", d.device());
        m.put("format", d.format());
        m.put("source", d.source());
        m.put("virtualSize", d.virtualSize());
        m.put("allocatedSize", d.allocatedSize());
        m.put("supported", d.unsupportedReason() == null);
        if (d.unsupportedReason() != null) {
            m.put("unsupportedReason", d.unsupportedReason());
        }
        return m;
    }

    static Map<String, Object> protection(Protection p, Instance instance) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", p.instanceId());
        if (instance != null) {
            m.put("name", instance.name());
        }
        m.put("allDisks", p.allDisks());
        m.put("disks", p.disks());
        m.put("vault", p.vault());
        m.put("createdAt", p.createdAt());
        return m;
    }

    static Map<String, Object> point(PointRecord p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("vault", p.vault());
        m.put("instance", p.instanceId());
        m.put("instanceName", p.instanceName());
        m.put("createdAt", p.createdAt());
        m.put("status", expired(p.expiresAt()) ? "expired" : p.status());
        m.put("consistency", p.consistency());
        m.put("logicalBytes", p.logicalBytes());
        m.put("storedBytes", p.storedBytes());
        m.put("expiresAt", p.expiresAt());
        m.put("job", p.jobId());
        m.put("disks", p.disks().stream().map(d -> Map.of("target", d.target(), "logicalBytes", d.logicalBytes(),
                "storedBytes", d.storedBytes())).toList());
        return m;
    }

    static Map<String, Object> job(Job j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("type", j.type().name());
        m.put("target", j.target());
        m.put("host", j.hostId());
        m.put("state", j.state().name());
        m.put("params", j.params());
        m.put("createdAt", j.createdAt());
        m.put("startedAt", j.startedAt());
        m.put("finishedAt", j.finishedAt());
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("bytesDone", j.bytesDone());
        progress.put("bytesTotal", j.bytesTotal());
        progress.put("bytesPerSecond", j.bytesPerSecond());
        progress.put("etaSeconds", j.etaSeconds());
        m.put("progress", progress);
        m.put("cancelRequested", j.cancelRequested());
        m.put("result", j.result());
        if (j.errorCode() != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", j.errorCode());
            error.put("message", j.errorMessage());
            m.put("error", error);
        }
        return m;
    }

    static Map<String, Object> list(String key, List<?> items) {
        return Map.of(key, items, "count", items.size());
    }

    private static boolean expired(Instant expiresAt) {
        return expiresAt != null && expiresAt.isBefore(Instant.now());
    }
}
